// The TaskManager worker's entry, with its module built in. `npm run build`
// bundles it into dist/workers/task-manager-worker.bundle.cjs,
// one file that a new worker loads three times faster than the module graph
// (measured by bench:cluster), and task-manager-worker-boot.cts runs it from
// V8's code cache; the MiniCluster starts TaskExecutors with that boot entry.

import { bootWorkerHost } from '../src/rpc/worker-host.js';
import * as taskManagerWorker from './task-manager-worker.js';

export const started = bootWorkerHost(async () => taskManagerWorker);
export const warmedUp = taskManagerWorker.warmedUp;
