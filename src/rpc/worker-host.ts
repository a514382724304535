// The body of every worker entry: boots this thread's ActorSystem and
// RpcService, joins the mesh through the data port from main, and serves the
// admin channel (start, shutdown, metrics) over comlink. start() obtains the
// user module through `loadModule` and calls its start(rpc, workerData).
//
// The generic entry (workers/endpoint-host.ts) imports the module by URL. An
// entry may instead have its module built in, and be bundled into one file:
// a worker then loads one file instead of a hundred, which is most of its
// start-up time (see bench:cluster).

import { threadId, workerData } from 'node:worker_threads';
import { encodeError } from '../actor/error-codec.js';
import { exposeAdmin, type StartOutcome, type WorkerAdmin } from './admin-channel.js';
import { RpcService } from './rpc-service.js';
import type { WorkerBoot } from './worker-handle.js';

/** What a module loaded by spawnWorker exports. */
export interface WorkerModule {
  start(rpc: RpcService, workerData: unknown): unknown;
}

/**
 * Serves this worker's admin channel. The promise settles once start() has
 * returned, either way: the code-cached entry (workers/code-cached-bundle.cts)
 * writes its cache then, with what a start compiled.
 */
export function bootWorkerHost(
  loadModule: (moduleUrl: string) => Promise<Partial<WorkerModule>>,
): Promise<void> {
  const boot = workerData as WorkerBoot;
  let startReturned!: () => void;
  const started = new Promise<void>((resolve) => (startReturned = resolve));
  // Binds its port first when it listens on TCP; start() reports a failure to.
  const ready = RpcService.forWorker(boot);
  ready.catch(() => {});

  const admin: WorkerAdmin = {
    async start(userData: unknown): Promise<StartOutcome> {
      try {
        const rpc = await ready;
        const module = await loadModule(boot.moduleUrl);
        if (typeof module.start !== 'function') {
          throw new TypeError(`Module ${boot.moduleUrl} does not export a start(rpc, workerData) function.`);
        }
        return { ok: true, value: await module.start(rpc, userData) };
      } catch (error) {
        return { ok: false, error: encodeError(error) };
      } finally {
        startReturned();
      }
    },
    async shutdown(): Promise<void> {
      const rpc = await ready.catch(() => undefined);
      await rpc?.closeAsync();
    },
    async metrics() {
      const rpc = await ready;
      return {
        ...rpc.metrics(),
        threadId,
        heapUsedBytes: process.memoryUsage().heapUsed,
      };
    },
  };

  exposeAdmin(admin, boot.adminPort);
  return started;
}
