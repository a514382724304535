// Worker threads of a service that listens on TCP listen on their own ports, so
// a peer in another process reaches a TaskExecutor in a worker thread directly.
// Threads of one process still talk over their direct MessageChannels.

import { expect } from 'chai';
import type { ResourceManagerHost } from '../fixtures/resource-manager-host.js';
import { EchoGateway } from '../fixtures/echo.js';
import { ResourceManagerGateway } from '../../src/runtime/gateways/resource-manager-gateway.js';
import { kEchoModule, startRemote, useRpcService } from '../support/paths.js';
import { kTaskManagerWorkerModule } from '../../src/worker-entries.js';

const kTaskManagerRunner = kTaskManagerWorkerModule;
const kResourceManagerHost = new URL('../fixtures/resource-manager-host.js', import.meta.url);

describe('worker threads reachable from other processes', function () {
  this.timeout(30_000);
  const service = useRpcService({}, 'across processes');

  it('a worker listens on its own port; in-process calls use its channel, another process dials it', async () => {
    const [a, b] = await Promise.all([
      service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['a'] } }),
      service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['b'] } }),
    ]);
    const aAddress = (a!.result as string[])[0]!;
    const bAddress = (b!.result as string[])[0]!;
    const port = (address: string) => Number(/:(\d+)\//.exec(address)![1]);
    expect(aAddress).to.match(/^node\+tcp:\/\/flink@127\.0\.0\.1:\d+\/user\/rpc\/a$/);
    expect(new Set([port(aAddress), port(bAddress), service.rpc.getPort()]).size).to.equal(3);
    expect(a!.host).to.equal(`127.0.0.1:${port(aAddress)}`);

    const toA = await service.rpc.connect(aAddress, EchoGateway);
    expect(await toA.echo('main to a')).to.equal('main to a');
    expect(await toA.forward(bAddress, 'a to b')).to.equal('a to b');
    // None of that used TCP.
    expect(service.rpc.metrics().connections).to.equal(0);
    expect((await toA.stats()).connections).to.equal(0);

    // Another process dials the worker's own port.
    const remote = await startRemote(kEchoModule, { ids: ['remote'] });
    const viaRemote = await service.rpc.connect((remote.result as string[])[0]!, EchoGateway);
    expect(await viaRemote.forward(aAddress, 'other process to a')).to.equal('other process to a');
    expect((await toA.stats()).connections).to.equal(1);
  });

  it('a TaskExecutor in a worker thread registers at a ResourceManager in another process, which reaches it', async () => {
    const jobManager = await startRemote(kResourceManagerHost, undefined);
    const { haServerAddress, resourceManagerAddress, resourceManagerId } =
      jobManager.result as ResourceManagerHost;
    const worker = await service.rpc.spawnWorker(kTaskManagerRunner, {
      workerData: {
        resourceId: 'tm_remote',
        configuration: { 'heartbeat.interval': '200 ms' },
        haServerAddress,
      },
    });
    const { address } = worker.result as { address: string };
    expect(address).to.match(/^node\+tcp:\/\/flink@127\.0\.0\.1:\d+\/user\/rpc\/taskmanager_/);
    const rm = await service.rpc.connectFenced(
      resourceManagerAddress,
      resourceManagerId,
      ResourceManagerGateway,
    );
    let infos = await rm.requestTaskManagerInfo(5000);
    // Registration and the first heartbeat (ResourceManager → TaskExecutor → its report back) take a few round trips.
    for (let i = 0; i < 5000 && !(infos.length === 1 && infos[0]!.lastHeartbeat > 0); i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      infos = await rm.requestTaskManagerInfo(5000);
    }
    expect(infos).to.have.length(1);
    expect(infos[0]!.address).to.equal(address);
    expect(infos[0]!.lastHeartbeat).to.be.greaterThan(0);
    expect(await rm.requestResourceOverview(5000)).to.include({
      numberTaskManagers: 1,
      numberRegisteredSlots: 1,
    });
    await worker.terminate();
  });
});
