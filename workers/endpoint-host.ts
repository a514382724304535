// The generic worker entry: spawnWorker's default. It imports the user module
// by URL and calls its exported start(rpc, workerData); see src/rpc/worker-host.ts.

import { bootWorkerHost, type WorkerModule } from '../src/rpc/worker-host.js';

export type { WorkerModule };

bootWorkerHost((moduleUrl) => import(moduleUrl) as Promise<Partial<WorkerModule>>);
