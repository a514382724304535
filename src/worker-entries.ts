// Every worker entry, named in one place by its role. A leaf module with no
// imports, so that any layer may use it. The URLs hold in dist/ as tsc writes
// it and inside the bundled TaskManager worker alike, because dist/src and
// dist/workers are siblings there. test/worker-entries.test.ts checks that each
// exists after the build. The bundles are CommonJS, with import.meta.url
// defined as the bundle's own file URL (scripts/bundle-workers.mjs).

/** The generic worker host of RpcService.spawnWorker: it imports a module by URL and calls its start(). */
export const kEndpointHostEntry = new URL('../workers/endpoint-host.js', import.meta.url);

/** The TaskManager worker's module: start(rpc, workerData) runs one TaskExecutor. */
export const kTaskManagerWorkerModule = new URL('../workers/task-manager-worker.js', import.meta.url);

/**
 * The TaskManager worker's entry: its module built in, bundled into one file by
 * `npm run build`, and run from V8's code cache.
 */
export const kTaskManagerWorkerEntry = new URL('../workers/task-manager-worker-boot.cjs', import.meta.url);

/** The MiniCluster's JobManager thread's module: start(rpc, workerData) runs its ResourceManager and Dispatcher. */
export const kJobManagerWorkerModule = new URL('../workers/job-manager-worker.js', import.meta.url);

/** The JobManager thread's entry: its module built in, bundled into one file, run from V8's code cache. */
export const kJobManagerWorkerEntry = new URL('../workers/job-manager-worker-boot.cjs', import.meta.url);

/** A slot's task worker: it runs the slot's tasks, one at a time, off the TaskExecutor's thread. */
export const kTaskSlotWorkerEntry = new URL('../workers/task-slot-worker.js', import.meta.url);

export const kWorkerEntries = {
  endpointHost: kEndpointHostEntry,
  taskManagerWorkerModule: kTaskManagerWorkerModule,
  taskManagerWorker: kTaskManagerWorkerEntry,
  jobManagerWorkerModule: kJobManagerWorkerModule,
  jobManagerWorker: kJobManagerWorkerEntry,
  taskSlotWorker: kTaskSlotWorkerEntry,
} as const;
