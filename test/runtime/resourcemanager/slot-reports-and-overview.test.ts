// What the ResourceManager knows of slots after registrations, slot reports,
// freed slots and disconnects, and how it answers the overview and info
// queries. After Flink's ResourceManagerTaskExecutorTest.testDisconnectTaskExecutor
// (behaviour 52) and ResourceManagerTest.testRequestTaskManagerInfo.

import { expect } from 'chai';
import { ResourceManagerError } from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { DefaultSlotManager } from '../../../src/runtime/resourcemanager/slotmanager/default-slot-manager.js';
import { InstanceID } from '../../../src/runtime/types/ids.js';
import type { RecordedError } from '../../fixtures/testing-task-executor.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import {
  kTimeoutMs,
  registerWithSlots,
  registrationOf,
  slotReportOf,
  startResourceManager,
  startTaskExecutor,
} from './testing-resource-manager-builder.js';

describe('ResourceManager: slot reports and the overview', () => {
  const service = useRpcService();

  for (const path of kPaths) {
    describe(path, () => {
      it('counts a registered TaskExecutor before its slot report, and its slots after it', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        const response = await rm.gateway.registerTaskExecutor(registrationOf(te, 3), kTimeoutMs);
        expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal({
          numberTaskManagers: 1,
          numberRegisteredSlots: 0,
          numberFreeSlots: 0,
        });
        if (response.kind !== 'success') throw new Error('registration failed');
        await rm.gateway.sendSlotReport(
          te.resourceId,
          response.registrationId,
          slotReportOf(te.resourceId, 3, [2]),
          kTimeoutMs,
        );
        expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal({
          numberTaskManagers: 1,
          numberRegisteredSlots: 3,
          numberFreeSlots: 2,
        });
      });

      it('drops the TaskExecutor and its slots on disconnect (testDisconnectTaskExecutor)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te, slotReportOf(te.resourceId, 4));
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
        expect((await rm.gateway.requestResourceOverview(kTimeoutMs)).numberRegisteredSlots).to.equal(4);

        rm.gateway.disconnectTaskManager(te.resourceId, new Error('test disconnect'));
        expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal({
          numberTaskManagers: 0,
          numberRegisteredSlots: 0,
          numberFreeSlots: 0,
        });
        expect(await rm.gateway.requestTaskManagerInfo(kTimeoutMs)).to.deep.equal([]);
      });

      it('frees a slot on notifySlotAvailable from the current registration', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        const report = slotReportOf(te.resourceId, 2, [0, 1]);
        const instanceId = await registerWithSlots(rm, te, report);
        const held = report.slots[0]!;
        expect((await rm.gateway.requestResourceOverview(kTimeoutMs)).numberFreeSlots).to.equal(0);

        rm.gateway.notifySlotAvailable(instanceId, held.slotId, held.allocationId!);
        expect((await rm.gateway.requestResourceOverview(kTimeoutMs)).numberFreeSlots).to.equal(1);
      });

      it('reports each TaskExecutor in requestTaskManagerInfo', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te, slotReportOf(te.resourceId, 2, [1]));
        const [info, ...others] = await rm.gateway.requestTaskManagerInfo(kTimeoutMs);
        expect(others).to.deep.equal([]);
        expect(info).to.deep.equal({
          resourceId: te.resourceId,
          address: te.address,
          numberSlots: 2,
          numberAvailableSlots: 1,
          lastHeartbeat: 0,
          timeSinceLastHeartbeatMs: -1,
          totalResourceProfile: registrationOf(te, 2).totalResourceProfile,
          heapUsedBytes: -1,
          heapTotalBytes: -1,
          eventLoopUtilization: -1,
          eventLoopDelayP99Ms: -1,
        });
      });

      it('lets a TaskExecutor go when the slot manager rejects it', async () => {
        const rm = await startResourceManager(service.rpc, {
          slotManager: new DefaultSlotManager({ maxSlotNum: 1 }),
        });
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te, slotReportOf(te.resourceId, 2));
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
        const [stopped] = await rm.stoppedWorkers.until(1);
        expect(stopped!.resourceId).to.equal(te.resourceId);
        const [call] = await te.control.awaitCalls('disconnectResourceManager', 1);
        expect((call!.args[0] as RecordedError).error.message).to.equal(
          'Task manager could not be registered to SlotManager.',
        );
      });
    });
  }

  it('fails a slot report for an unknown registration id with a clear error', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    await registerWithSlots(rm, te);
    const unknown = InstanceID.generate();
    const error = (await rm.gateway
      .sendSlotReport(te.resourceId, unknown, slotReportOf(te.resourceId, 2), kTimeoutMs)
      .catch((e: unknown) => e)) as Error;
    expect(error).to.be.instanceOf(ResourceManagerError);
    expect(error.message).to.equal(`Unknown TaskManager registration id ${unknown}.`);
    expect((error as ResourceManagerError).code).to.equal('ERR_RESOURCE_MANAGER');
  });

  it('ignores notifySlotAvailable from an outdated registration', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    const report = slotReportOf(te.resourceId, 1, [0]);
    await registerWithSlots(rm, te, report);
    const held = report.slots[0]!;
    rm.gateway.notifySlotAvailable(InstanceID.generate(), held.slotId, held.allocationId!);
    expect((await rm.gateway.requestResourceOverview(kTimeoutMs)).numberFreeSlots).to.equal(0);
  });
});
