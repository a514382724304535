// The generic worker entry. It boots this thread's ActorSystem and RpcService,
// joins the mesh through the data port from main, and exposes the admin
// channel (start, shutdown, metrics) over comlink. start() imports the user
// module and calls its exported start(rpc, workerData).

import { threadId, workerData } from 'node:worker_threads';
import { threadHost } from '../src/actor/address.js';
import { encodeError } from '../src/actor/error-codec.js';
import { WorkerThreadTransport } from '../src/actor/message-port-transport.js';
import { exposeAdmin, type StartOutcome, type WorkerAdmin } from '../src/rpc/admin-channel.js';
import { RpcService, type RpcServiceOptions } from '../src/rpc/rpc-service.js';
import type { WorkerBoot } from '../src/rpc/worker-handle.js';

/** What a module loaded by spawnWorker exports. */
export interface WorkerModule {
  start(rpc: RpcService, workerData: unknown): unknown;
}

const boot = workerData as WorkerBoot;
const transport = new WorkerThreadTransport(threadHost(threadId), boot.mainHost, boot.dataPort);
const rpc = RpcService.forTransport(transport, boot.serviceOptions as RpcServiceOptions);

const admin: WorkerAdmin = {
  async start(): Promise<StartOutcome> {
    try {
      const module = (await import(boot.moduleUrl)) as Partial<WorkerModule>;
      if (typeof module.start !== 'function') {
        throw new TypeError(`Module ${boot.moduleUrl} does not export a start(rpc, workerData) function.`);
      }
      return { ok: true, value: await module.start(rpc, boot.userData) };
    } catch (error) {
      return { ok: false, error: encodeError(error) };
    }
  },
  async shutdown(): Promise<void> {
    await rpc.closeAsync();
  },
  metrics() {
    return {
      ...rpc.metrics(),
      threadId,
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
  },
};

exposeAdmin(admin, boot.adminPort);
