// RpcService.watch, threadlink's death watch (Pekko's DeathWatch): the caller
// hears once, in milliseconds, that the thread or process behind an address is
// gone, without a pending ask and long before a heartbeat could time out. On a
// thread that ends and on a process killed with SIGKILL; never for a peer that
// lives, and not after unwatching.

import { expect } from 'chai';
import { EchoGateway } from '../fixtures/echo.js';
import { drain, eventually } from '../support/eventually.js';
import { kEchoModule, startRemote, useRpcService } from '../support/paths.js';

describe('watching a peer', () => {
  describe('across threads', () => {
    const service = useRpcService();

    it('hears once that a worker thread ended, with the reason', async () => {
      const worker = await service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['echo'] } });
      const address = (worker.result as string[])[0]!;
      await service.rpc.connect(address, EchoGateway);
      const heard: string[] = [];
      service.rpc.watch(address, (reason) => heard.push(reason));
      await drain();
      expect(heard).to.deep.equal([]);

      await worker.kill();
      await eventually(() => heard.length === 1, 'the watcher to hear');
      expect(heard[0]).to.match(/exited|closed/);
      await drain();
      expect(heard).to.have.lengthOf(1);
    });

    it('tells a watcher that comes late at once, and nothing after unwatching', async () => {
      const first = await service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['first'] } });
      const second = await service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['second'] } });
      const [firstAddress, secondAddress] = [(first.result as string[])[0]!, (second.result as string[])[0]!];
      await service.rpc.connect(firstAddress, EchoGateway);
      await service.rpc.connect(secondAddress, EchoGateway);
      await first.kill();

      const late: string[] = [];
      service.rpc.watch(firstAddress, (reason) => late.push(reason));
      await eventually(() => late.length === 1, 'the late watcher to hear');

      const unwatched: string[] = [];
      const unwatch = service.rpc.watch(secondAddress, (reason) => unwatched.push(reason));
      unwatch();
      await second.kill();
      await drain();
      expect(unwatched).to.deep.equal([]);
    });
  });

  describe('across processes', () => {
    const service = useRpcService({}, 'across processes');

    it('hears within a second that a peer process was killed with SIGKILL, with no ask pending', async () => {
      const remote = await startRemote(kEchoModule, { ids: ['echo'] });
      const address = (remote.result as string[])[0]!;
      const gateway = await service.rpc.connect(address, EchoGateway);
      expect(await gateway.echo('alive')).to.equal('alive');
      let heardAt = 0;
      service.rpc.watch(address, () => (heardAt = performance.now()));

      const killedAt = performance.now();
      await remote.kill('SIGKILL');
      await eventually(() => heardAt > 0, 'the watcher to hear');
      expect(heardAt - killedAt).to.be.lessThan(1000);
    });
  });
});
