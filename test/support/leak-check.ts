// Mocha root hooks: fail the run if a test leaves a worker, port or timer alive.
// Node's getActiveResourcesInfo() lists timers and ports but not Worker handles,
// so workers are counted by the rpc layer itself.

import { liveWorkerCount } from '../../src/rpc/worker-registry.js';

const kIgnored = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'TCPWrap', 'FileHandle', 'SignalWrap']);

export const mochaHooks = {
  async afterAll(this: unknown): Promise<void> {
    // Let exiting workers and closing ports finish their last events.
    for (let i = 0; i < 50 && (liveWorkerCount() > 0 || leftovers().length > 0); i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const workers = liveWorkerCount();
    const resources = leftovers();
    if (workers > 0 || resources.length > 0) {
      throw new Error(
        `Leak check: ${workers} worker(s) still alive; active resources: ${JSON.stringify(resources)}`,
      );
    }
  },
};

function leftovers(): string[] {
  return process.getActiveResourcesInfo().filter((r) => !kIgnored.has(r));
}
