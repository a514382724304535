// The TaskManager worker's entry, with its module built in. `npm run build`
// bundles it into dist/workers/task-manager-worker.bundle.js,
// one file that a new worker loads three times faster than the module graph
// (measured by bench:cluster); the MiniCluster starts TaskExecutors with it.

import { bootWorkerHost } from '../src/rpc/worker-host.js';
import * as taskManagerWorker from './task-manager-worker.js';

bootWorkerHost(async () => taskManagerWorker);
