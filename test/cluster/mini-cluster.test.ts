// The MiniCluster end to end: TaskExecutors in worker threads register at the
// ResourceManager on the main thread, report their slots, re-register under a
// new leader session, and are dropped the moment their worker dies.

import { expect } from 'chai';
import { eventuallyAsync } from '../support/eventually-async.js';

import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

import { MiniCluster, type TaskExecutorExit } from '../../src/cluster/mini-cluster.js';
import { TaskExecutorExitedError } from '../../src/cluster/mini-cluster-errors.js';
import { FencingTokenError } from '../../src/rpc/errors.js';
import { liveWorkerCount } from '../../src/rpc/worker-registry.js';
import { ResourceManagerGateway } from '../../src/runtime/gateways/resource-manager-gateway.js';
import { TaskExecutorGateway } from '../../src/runtime/gateways/task-executor-gateway.js';
import { eventually } from '../support/eventually.js';

describe('MiniCluster', function () {
  this.timeout(20_000);
  let cluster: MiniCluster | undefined;
  afterEach(async () => {
    await cluster?.closeAsync();
    cluster = undefined;
  });

  it('starts each TaskExecutor in its own worker, and all register with their slots', async () => {
    cluster = await MiniCluster.start({ taskExecutors: 3, slotsPerTaskExecutor: 2 });
    await cluster.waitUntilTaskExecutorsRegistered(3);
    const threads = new Set(cluster.getTaskExecutors().map((te) => te.threadId));
    expect(threads.size).to.equal(3);
    const rm = await cluster.resourceManagerGateway();
    expect(await rm.getNumberOfRegisteredTaskManagers()).to.equal(3);
    expect(await rm.requestResourceOverview(1000)).to.deep.equal({
      numberTaskManagers: 3,
      numberRegisteredSlots: 6,
      numberFreeSlots: 6,
    });
    const infos = await rm.requestTaskManagerInfo(1000);
    expect(infos.map((i) => i.resourceId).sort()).to.deep.equal(
      cluster
        .getTaskExecutors()
        .map((te) => te.resourceId)
        .sort(),
    );
    for (const info of infos) {
      expect(info.numberSlots).to.equal(2);
      expect(info.numberAvailableSlots).to.equal(2);
      expect(info.address).to.match(/^node:\/\/flink@thread-\d+\/user\/rpc\/taskmanager_/);
    }
  });

  it('drops a TaskExecutor as soon as its worker dies, long before a heartbeat timeout', async () => {
    cluster = await MiniCluster.start({ taskExecutors: 2, config: { 'heartbeat.timeout': '50 s' } });
    await cluster.waitUntilTaskExecutorsRegistered(2);
    const rm = await cluster.resourceManagerGateway();
    const [victim] = cluster.getTaskExecutors();
    await cluster.terminateTaskExecutor(victim!.resourceId);
    let count = 2;
    await eventually(() => {
      void rm.getNumberOfRegisteredTaskManagers().then((n) => (count = n));
      return count === 1;
    }, 'the ResourceManager to drop the dead TaskExecutor');
    const infos = await rm.requestTaskManagerInfo(1000);
    expect(infos.map((i) => i.resourceId)).to.not.include(victim!.resourceId);
    expect(cluster.getTaskExecutors()).to.have.length(1);
  });

  it('starts another TaskExecutor on request, which registers', async () => {
    cluster = await MiniCluster.start({ taskExecutors: 1 });
    await cluster.waitUntilTaskExecutorsRegistered(1);
    const added = await cluster.startTaskExecutor();
    await cluster.waitUntilTaskExecutorsRegistered(2);
    const rm = await cluster.resourceManagerGateway();
    expect((await rm.requestTaskManagerInfo(1000)).map((i) => i.resourceId)).to.include(added);
  });

  it('re-registers every TaskExecutor under a new leader session with a new fencing token', async () => {
    cluster = await MiniCluster.start({ taskExecutors: 2 });
    await cluster.waitUntilTaskExecutorsRegistered(2);
    const before = await cluster.resourceManagerGateway();
    await cluster.revokeResourceManagerLeadership();
    await cluster.grantResourceManagerLeadership();
    await eventuallyAsync(
      async () => (await cluster!.resourceManagerGateway()).getFencingToken() !== before.getFencingToken(),
      'a new ResourceManager',
    );
    await cluster.waitUntilTaskExecutorsRegistered(2);
    const after = await cluster.resourceManagerGateway();
    expect(after.getFencingToken()).to.not.equal(before.getFencingToken());
    expect(await after.getNumberOfRegisteredTaskManagers()).to.equal(2);
    const stale = await cluster.rpc.connectFenced(
      after.getAddress(),
      before.getFencingToken(),
      ResourceManagerGateway,
    );
    const error = await stale.getNumberOfRegisteredTaskManagers().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(FencingTokenError);
  });

  it('reports a TaskExecutor whose worker ends unexpectedly, with the cause', async () => {
    cluster = await MiniCluster.start({ taskExecutors: 1 });
    await cluster.waitUntilTaskExecutorsRegistered(1);
    const [te] = cluster.getTaskExecutors();
    const exited = once(cluster, 'taskExecutorExited') as Promise<[TaskExecutorExit]>;
    await cluster.terminateTaskExecutor(te!.resourceId);
    const [exit] = await exited;
    expect(exit.resourceId).to.equal(te!.resourceId);
    expect(exit.cause).to.be.instanceOf(TaskExecutorExitedError);
    expect(exit.cause.message).to.contain(te!.resourceId);
    expect(cluster.getTaskExecutors()).to.have.lengthOf(0);
  });

  it('keeps a TaskExecutor that the ResourceManager lets go: it registers again in the same worker', async () => {
    cluster = await MiniCluster.start({ taskExecutors: 1 });
    await cluster.waitUntilTaskExecutorsRegistered(1);
    const [te] = cluster.getTaskExecutors();
    const gateway = await cluster.rpc.connect(te!.address, TaskExecutorGateway);
    gateway.disconnectResourceManager(new Error('please register again'));
    await cluster.waitUntilTaskExecutorsRegistered(1);
    const rm = await cluster.resourceManagerGateway();
    let count = 0;
    await eventually(() => {
      void rm.getNumberOfRegisteredTaskManagers().then((n) => (count = n));
      return count === 1;
    }, 'the re-registration');
    expect(cluster.getTaskExecutors().map((t) => t.threadId)).to.deep.equal([te!.threadId]);
  });

  it('does not report TaskExecutors it stops itself as exits', async () => {
    cluster = await MiniCluster.start({ taskExecutors: 2 });
    await cluster.waitUntilTaskExecutorsRegistered(2);
    const exits: TaskExecutorExit[] = [];
    cluster.on('taskExecutorExited', (exit) => exits.push(exit));
    await cluster.stopTaskExecutor(cluster.getTaskExecutors()[0]!.resourceId);
    await cluster.closeAsync();
    expect(exits).to.have.lengthOf(0);
  });

  it('refuses bad options with a clear error', async () => {
    const error = await MiniCluster.start({ slotsPerTaskExecutor: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).to.equal('ERR_ILLEGAL_CONFIGURATION');
  });

  it("fails with the JobManager's error when it cannot start, and ends the TaskExecutors' threads started beside it", async () => {
    // The REST port is taken, so the JobManager thread fails to start.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const before = liveWorkerCount();

      const error = await MiniCluster.start({
        taskExecutors: 3,
        rest: { bindAddress: '127.0.0.1', port },
      }).then(
        () => undefined,
        (e: unknown) => e,
      );

      expect((error as Error).message).to.match(/EADDRINUSE/);
      expect(liveWorkerCount()).to.equal(before);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
