// The worker host's admin channel (src/rpc/admin-channel.ts): comlink listens
// through its node adapter, so that an admin message builds no MessageEvent.
// On Node 24 (not 20; the test runs from 22 on) the first MessageEvent of a
// thread loads undici into it, about 25 ms of CPU for every worker that starts.

import { expect } from 'chai';
import { useRpcService } from '../support/paths.js';

const kNodeMajor = Number(process.versions.node.split('.')[0]);

describe('the worker admin channel', () => {
  const service = useRpcService();

  it('leaves undici out of a worker that has answered its start call (Node 22 and later)', async function () {
    if (kNodeMajor < 22) this.skip();
    const handle = await service.rpc.spawnWorker(new URL('../fixtures/undici-probe.js', import.meta.url));
    try {
      expect(handle.result, 'the modules of undici the worker had loaded').to.deep.equal([]);
      expect((await handle.metrics()).threadId).to.equal(handle.threadId);
    } finally {
      await handle.terminate();
    }
  });
});
