// Two MiniClusters in one process, and a MiniCluster next to a user's own
// RpcService: each has its own RpcService (its own actor system and host), so
// they run side by side and close independently.

import { expect } from 'chai';
import { MiniCluster } from '../../src/cluster/mini-cluster.js';
import { RpcService } from '../../src/rpc/rpc-service.js';
import { ResourceManagerGateway } from '../../src/runtime/gateways/resource-manager-gateway.js';

describe('two MiniClusters in one process', function () {
  this.timeout(30_000);
  const opened: { closeAsync(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.closeAsync().catch(() => {})));
  });

  it('run side by side, each with its own TaskExecutors, and close independently', async () => {
    const first = await MiniCluster.start({ taskExecutors: 2 });
    opened.push(first);
    const second = await MiniCluster.start({ taskExecutors: 1, slotsPerTaskExecutor: 3 });
    opened.push(second);
    expect(first.rpc.getAddress()).to.not.equal(second.rpc.getAddress());
    await Promise.all([first.waitUntilTaskExecutorsRegistered(2), second.waitUntilTaskExecutorsRegistered(1)]);
    const overview = async (cluster: MiniCluster) => (await cluster.resourceManagerGateway()).requestResourceOverview(5000);
    expect(await overview(first)).to.deep.equal({ numberTaskManagers: 2, numberRegisteredSlots: 2, numberFreeSlots: 2 });
    expect(await overview(second)).to.deep.equal({ numberTaskManagers: 1, numberRegisteredSlots: 3, numberFreeSlots: 3 });

    await first.closeAsync();
    const job = second.submitJob({
      name: 'after the first cluster closed',
      tasks: [{ module: new URL('./tasks/job-tasks.js', import.meta.url).href, export: 'double', args: [21] }],
    });
    expect(await job.result).to.deep.equal([42]);
    expect(await overview(second)).to.include({ numberTaskManagers: 1, numberRegisteredSlots: 3 });
  }); // prettier-ignore

  it('runs next to a user RpcService, which reaches its ResourceManager', async () => {
    const user = RpcService.create();
    opened.push(user);
    const cluster = await MiniCluster.start({ taskExecutors: 1 });
    opened.push(cluster);
    await cluster.waitUntilTaskExecutorsRegistered(1);
    const rm = await cluster.resourceManagerGateway();
    const gateway = await user.connectFenced(rm.getAddress(), rm.getFencingToken(), ResourceManagerGateway);
    expect(await gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
    await cluster.closeAsync();
    expect(user.isClosing()).to.equal(false);
  });
});
