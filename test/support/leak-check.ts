// Mocha root hooks: fail the run if a test leaves a worker, child process,
// socket, server, port or timer alive. Node's getActiveResourcesInfo() lists
// timers, ports, sockets (TCPWrap; TLS sockets sit on one) and child processes
// (ProcessWrap) but not Worker handles, so workers are counted by the rpc layer
// itself, and child processes by the test support that starts them.

import { liveWorkerCount } from '../../src/rpc/worker-registry.js';
import { liveChildCount } from './remote-process.js';

const kIgnored = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'FileHandle', 'SignalWrap']);

export const mochaHooks = {
  async afterAll(this: unknown): Promise<void> {
    // Let exiting workers and closing ports finish their last events.
    for (
      let i = 0;
      i < 50 && (liveWorkerCount() > 0 || liveChildCount() > 0 || leftovers().length > 0);
      i++
    ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const workers = liveWorkerCount();
    const children = liveChildCount();
    const resources = leftovers();
    if (workers > 0 || children > 0 || resources.length > 0) {
      throw new Error(
        `Leak check: ${workers} worker(s) and ${children} child process(es) still alive; ` +
          `active resources: ${JSON.stringify(resources)}`,
      );
    }
  },
};

function leftovers(): string[] {
  return process.getActiveResourcesInfo().filter((r) => !kIgnored.has(r));
}
