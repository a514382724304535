// The slot bookkeeping of the ResourceManager, after Flink's
// DeclarativeSlotManagerTest and TaskExecutorManagerTest (registration and slot
// status parts). No endpoint is involved: the gateway is never called.

import { expect } from 'chai';
import { SlotManagerClosedError } from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { DefaultSlotManager } from '../../../src/runtime/resourcemanager/slotmanager/default-slot-manager.js';
import type { TaskExecutorConnection } from '../../../src/runtime/resourcemanager/slotmanager/slot-manager.js';
import type { TaskExecutorGateway } from '../../../src/runtime/gateways/task-executor-gateway.js';
import { AllocationID, InstanceID, ResourceID } from '../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import { slotReportOf } from './testing-resource-manager-builder.js';

const kProfile = ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 256 });
const kUnusedGateway = {} as TaskExecutorGateway;

function connection(): TaskExecutorConnection {
  return { instanceId: InstanceID.generate(), resourceId: ResourceID.generate(), gateway: kUnusedGateway };
}

function register(
  slotManager: DefaultSlotManager,
  taskExecutor: TaskExecutorConnection,
  numberOfSlots: number,
  allocated: number[] = [],
) {
  return slotManager.registerTaskManager(
    taskExecutor,
    slotReportOf(taskExecutor.resourceId, numberOfSlots, allocated),
    ResourceProfile.multiply(kProfile, numberOfSlots),
    kProfile,
  );
}

describe('DefaultSlotManager', () => {
  it('registers a TaskExecutor with its slots, free until allocated (testTaskManagerRegistration)', () => {
    const slotManager = new DefaultSlotManager();
    const taskExecutor = connection();
    expect(register(slotManager, taskExecutor, 3, [1])).to.equal('SUCCESS');
    expect(slotManager.getNumberRegisteredSlots()).to.equal(3);
    expect(slotManager.getNumberFreeSlots()).to.equal(2);
    expect(slotManager.getNumberRegisteredSlotsOf(taskExecutor.instanceId)).to.equal(3);
    expect(slotManager.getNumberFreeSlotsOf(taskExecutor.instanceId)).to.equal(2);
    expect(slotManager.getTaskManagerResourceIds()).to.deep.equal([taskExecutor.resourceId]);
  });

  it('ignores a second registration of the same instance but takes its slot report', () => {
    const slotManager = new DefaultSlotManager();
    const taskExecutor = connection();
    register(slotManager, taskExecutor, 2);
    expect(register(slotManager, taskExecutor, 2, [0, 1])).to.equal('IGNORED');
    expect(slotManager.getTaskManagerResourceIds()).to.have.length(1);
    expect(slotManager.getNumberFreeSlots()).to.equal(0);
  });

  it('rejects a TaskExecutor whose slots would exceed maxSlotNum (testMaxSlotLimitRegisterWorker)', () => {
    const slotManager = new DefaultSlotManager({ maxSlotNum: 3 });
    expect(register(slotManager, connection(), 2)).to.equal('SUCCESS');
    expect(register(slotManager, connection(), 2)).to.equal('REJECTED');
    expect(slotManager.getNumberRegisteredSlots()).to.equal(2);
    expect(slotManager.getTaskManagerResourceIds()).to.have.length(1);
  });

  it('rejects a second instance of a TaskExecutor that is still registered', () => {
    const slotManager = new DefaultSlotManager();
    const first = connection();
    register(slotManager, first, 2);
    const second = { ...connection(), resourceId: first.resourceId };
    expect(register(slotManager, second, 2)).to.equal('REJECTED');
    expect(slotManager.getNumberRegisteredSlots()).to.equal(2);
  });

  it('forgets an unregistered TaskExecutor and its slots (testTaskManagerUnregistration)', () => {
    const slotManager = new DefaultSlotManager();
    const kept = connection();
    const dropped = connection();
    register(slotManager, kept, 1);
    register(slotManager, dropped, 2);
    expect(slotManager.unregisterTaskManager(dropped.instanceId, new Error('gone'))).to.equal(true);
    expect(slotManager.unregisterTaskManager(dropped.instanceId, new Error('gone'))).to.equal(false);
    expect(slotManager.getNumberRegisteredSlots()).to.equal(1);
    expect(slotManager.getNumberRegisteredSlotsOf(dropped.instanceId)).to.equal(0);
    expect(slotManager.getTaskManagerResourceIds()).to.deep.equal([kept.resourceId]);
  });

  it('updates slot states from a slot report of a known instance only (testReportAllocatedSlot)', () => {
    const slotManager = new DefaultSlotManager();
    const taskExecutor = connection();
    register(slotManager, taskExecutor, 2);
    const allocated = slotReportOf(taskExecutor.resourceId, 2, [0]);
    expect(slotManager.reportSlotStatus(taskExecutor.instanceId, allocated)).to.equal(true);
    expect(slotManager.getNumberFreeSlotsOf(taskExecutor.instanceId)).to.equal(1);
    expect(slotManager.reportSlotStatus(InstanceID.generate(), allocated)).to.equal(false);
  });

  it('ignores slots that another TaskExecutor reports as its own', () => {
    const slotManager = new DefaultSlotManager();
    const taskExecutor = connection();
    register(slotManager, taskExecutor, 1);
    const foreign = slotReportOf(ResourceID.generate(), 2);
    slotManager.reportSlotStatus(taskExecutor.instanceId, foreign);
    expect(slotManager.getNumberRegisteredSlotsOf(taskExecutor.instanceId)).to.equal(0);
  });

  it('frees a slot only for the allocation that holds it (testFreeSlot)', () => {
    const slotManager = new DefaultSlotManager();
    const taskExecutor = connection();
    const report = slotReportOf(taskExecutor.resourceId, 2, [0]);
    slotManager.registerTaskManager(taskExecutor, report, ResourceProfile.multiply(kProfile, 2), kProfile);
    const slotId = SlotID.of(taskExecutor.resourceId, 0);
    expect(slotManager.freeSlot(slotId, AllocationID.generate())).to.equal(false);
    expect(slotManager.getNumberFreeSlots()).to.equal(1);
    expect(slotManager.freeSlot(slotId, report.slots[0]!.allocationId!)).to.equal(true);
    expect(slotManager.getNumberFreeSlots()).to.equal(2);
    expect(slotManager.freeSlot(SlotID.of(ResourceID.generate(), 0), AllocationID.generate())).to.equal(
      false,
    );
  });

  it('forgets everything on close and refuses registrations afterwards', () => {
    const slotManager = new DefaultSlotManager();
    register(slotManager, connection(), 2);
    slotManager.close();
    expect(slotManager.getNumberRegisteredSlots()).to.equal(0);
    expect(slotManager.getTaskManagerResourceIds()).to.deep.equal([]);
    expect(() => register(slotManager, connection(), 1)).to.throw(SlotManagerClosedError);
  });

  it('refuses a maxSlotNum that is not positive', () => {
    expect(() => new DefaultSlotManager({ maxSlotNum: 0 })).to.throw(RangeError);
  });
});
