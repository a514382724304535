// The MiniCluster's JobManager thread's entry, with its module built in.
// `npm run build` bundles it into dist/workers/job-manager-worker.bundle.cjs, one
// file that a new worker loads much faster than the module graph.

import { bootWorkerHost } from '../src/rpc/worker-host.js';
import * as jobManagerWorker from './job-manager-worker.js';

export const started = bootWorkerHost(async () => jobManagerWorker);
export const warmedUp = jobManagerWorker.warmedUp;
