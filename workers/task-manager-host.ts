// The worker entry of a TaskExecutor, with the TaskManagerRunner module built
// in. `npm run build` bundles it into dist/workers/task-manager-host.bundle.js,
// one file that a new worker loads three times faster than the module graph
// (measured by bench:cluster); the MiniCluster starts TaskExecutors with it.

import { bootWorkerHost } from '../src/rpc/worker-host.js';
import * as taskManagerRunner from './task-manager-runner.js';

bootWorkerHost(async () => taskManagerRunner);
