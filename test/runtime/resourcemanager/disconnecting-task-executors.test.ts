// How TaskExecutors leave the ResourceManager: an explicit disconnect
// (ResourceManagerTest.testDisconnectTaskManager, behaviour 58), the exit of a
// worker thread reported by the MiniCluster (notifyWorkerTerminated, which
// beats Flink's 50 s heartbeat timeout), and the ResourceManager stopping.

import { expect } from 'chai';
import { eventuallyAsync } from '../../support/eventually-async.js';
import { ResourceManagerError } from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import {
  kOutdatedRegistrationReason,
  ResourceManager,
} from '../../../src/runtime/resourcemanager/resource-manager.js';
import { ResourceID } from '../../../src/runtime/types/ids.js';
import type { RecordedError } from '../../fixtures/testing-task-executor.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import {
  holdFirstConnect,
  kTimeoutMs,
  registerWithSlots,
  registrationOf,
  slotReportOf,
  startResourceManager,
  startTaskExecutor,
} from './testing-resource-manager-builder.js';

const kEmptyOverview = { numberTaskManagers: 0, numberRegisteredSlots: 0, numberFreeSlots: 0 };

describe('ResourceManager: TaskExecutors leaving', () => {
  const service = useRpcService();

  for (const path of kPaths) {
    describe(path, () => {
      it('tells a disconnected TaskExecutor and stops its worker (testDisconnectTaskManager)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te);
        rm.gateway.disconnectTaskManager(te.resourceId, new Error('test cause'));

        const [stopped] = await rm.stoppedWorkers.until(1);
        expect(stopped!.resourceId).to.equal(te.resourceId);
        expect(stopped!.cause.message).to.equal('test cause');
        const [call] = await te.control.awaitCalls('disconnectResourceManager', 1);
        expect((call!.args[0] as RecordedError).error.message).to.equal('test cause');
        expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal(kEmptyOverview);
      });

      it('tells every TaskExecutor when it stops, and leaves no timer behind', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te);
        expect(rm.manual.pendingCount).to.be.greaterThan(0);

        await rm.rm.closeAsync();
        expect(rm.manual.pendingCount).to.equal(0);
        const [call] = await te.control.awaitCalls('disconnectResourceManager', 1);
        expect((call!.args[0] as RecordedError).error.message).to.include('is shutting down');
        // Stopping the ResourceManager is not a reason to stop workers.
        expect(rm.stoppedWorkers.items).to.deep.equal([]);
      });
    });
  }

  it('drops a TaskExecutor whose worker has exited at once, without calling it or stopWorker', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    await registerWithSlots(rm, te, slotReportOf(te.resourceId, 3));
    rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));

    expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal(kEmptyOverview);
    const calls = await te.control.recordedCalls();
    expect(calls.map((call) => call.method)).to.not.include('disconnectResourceManager');
    expect(rm.stoppedWorkers.items).to.deep.equal([]);
  });

  it('drops a TaskExecutor whose worker was killed at once, by death watch, before any heartbeat, without stopWorker', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'across threads');
    await registerWithSlots(rm, te, slotReportOf(te.resourceId, 2));
    await te.worker!.kill();
    // Heartbeat time does not move (manual executor): only the death watch can have noticed.
    await eventuallyAsync(
      async () => (await rm.gateway.getNumberOfRegisteredTaskManagers()) === 0,
      'the TaskExecutor dropped',
    );
    expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal(kEmptyOverview);
    expect(await rm.gateway.requestTaskManagerInfo(kTimeoutMs)).to.deep.equal([]);
    expect(rm.stoppedWorkers.items).to.deep.equal([]);
    // The MiniCluster's own report of the exit that follows changes nothing.
    rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker killed'));
    expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
  });

  it('declines a registration still connecting when its worker exited', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    const held = holdFirstConnect(service.rpc);
    try {
      const registering = rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs);
      rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));
      await rm.flush();
      held.release();
      expect(await registering).to.deep.equal({ kind: 'failure', reason: kOutdatedRegistrationReason });
      expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
    } finally {
      held.restore();
    }
  });

  it('ignores notifyWorkerTerminated and disconnectTaskManager for unknown TaskExecutors', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    await registerWithSlots(rm, te);
    rm.rm.notifyWorkerTerminated(ResourceID.generate(), new Error('someone else'));
    rm.gateway.disconnectTaskManager(ResourceID.generate(), new Error('someone else'));
    expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
    expect(rm.stoppedWorkers.items).to.deep.equal([]);
  });

  it('answers a registration in flight when it stops with a Failure', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    const held = holdFirstConnect(service.rpc);
    try {
      const registering = rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs);
      await rm.flush();
      await rm.rm.closeAsync();
      held.release();
      const response = await registering;
      expect(response.kind).to.equal('failure');
    } finally {
      held.restore();
    }
  });

  it('resolves awaitRegisteredTaskExecutors once enough slot reports arrived, and false when it stops', async () => {
    const rm = await startResourceManager(service.rpc);
    const first = await startTaskExecutor(service.rpc, 'same thread');
    const second = await startTaskExecutor(service.rpc, 'same thread');
    const two = rm.rm.awaitRegisteredTaskExecutors(2);
    const three = rm.rm.awaitRegisteredTaskExecutors(3);
    await registerWithSlots(rm, first);
    await rm.gateway.registerTaskExecutor(registrationOf(second), kTimeoutMs);
    let settled = false;
    void two.then(() => (settled = true));
    await rm.flush();
    expect(settled, 'registered without a slot report does not count').to.equal(false);

    await registerWithSlots(rm, second);
    expect(await two).to.equal(true);
    await rm.rm.closeAsync();
    expect(await three).to.equal(false);
    expect(await rm.rm.awaitRegisteredTaskExecutors(1)).to.equal(false);
  });

  it('settles its started future, and rejects it for one that never starts', async () => {
    const rm = await startResourceManager(service.rpc);
    await rm.rm.getStartedFuture();
    const neverStarted = new ResourceManager(service.rpc, rm.rmId, {
      resourceId: ResourceID.generate(),
      heartbeatServices: new HeartbeatServices(),
    });
    await neverStarted.closeAsync();
    expect(await neverStarted.getStartedFuture().catch((e: unknown) => e)).to.be.instanceOf(
      ResourceManagerError,
    );
  });
});
