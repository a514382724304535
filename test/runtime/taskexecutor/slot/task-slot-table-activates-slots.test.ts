// Ported from Flink's TaskSlotTableImplTest: marking slots active and inactive.

import { expect } from 'chai';

import { SlotNotFoundError } from '../../../../src/runtime/taskexecutor/slot/slot-errors.js';
import { TaskSlotState } from '../../../../src/runtime/taskexecutor/slot/task-slot-state.js';
import { AllocationID, JobID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import {
  createTaskSlotTableAndStart,
  kSlotTimeoutMs,
  TestingTaskSlotPayload,
  type TestingTable,
} from './testing-task-slot-table.js';

const { UNKNOWN } = ResourceProfile;

describe('TaskSlotTable activation', () => {
  let fixture: TestingTable;
  beforeEach(() => {
    fixture = createTaskSlotTableAndStart(3);
  });
  afterEach(() => fixture.table.closeAsync());

  it('lets only the owning job mark its allocated slot active', () => {
    const { table } = fixture;
    const jobId1 = JobID.generate();
    const jobId2 = JobID.generate();
    const allocationId1 = AllocationID.generate();
    const allocationId2 = AllocationID.generate();
    const allocationId3 = AllocationID.generate();
    table.allocateSlot(0, jobId1, allocationId1, UNKNOWN, kSlotTimeoutMs);
    table.allocateSlot(1, jobId1, allocationId2, UNKNOWN, kSlotTimeoutMs);
    table.allocateSlot(2, jobId2, allocationId3, UNKNOWN, kSlotTimeoutMs);

    expect(table.markSlotActive(allocationId1)).to.equal(true);

    expect(table.isAllocated(0, jobId1, allocationId1)).to.equal(true);
    expect(table.isAllocated(1, jobId1, allocationId2)).to.equal(true);
    expect(table.isAllocated(2, jobId2, allocationId3)).to.equal(true);
    expect(table.getActiveTaskSlotAllocationIdsPerJob(jobId1)).to.deep.equal(new Set([allocationId1]));

    expect(table.tryMarkSlotActive(jobId1, allocationId1)).to.equal(true);
    expect(table.tryMarkSlotActive(jobId1, allocationId2)).to.equal(true);
    expect(table.tryMarkSlotActive(jobId1, allocationId3)).to.equal(false);

    expect(table.getActiveTaskSlotAllocationIdsPerJob(jobId1)).to.deep.equal(
      new Set([allocationId1, allocationId2]),
    );
    expect(table.getActiveTaskSlotAllocationIdsPerJob(jobId2)).to.deep.equal(new Set());
  });

  it('lists the active slots of all jobs', () => {
    const { table } = fixture;
    const jobId1 = JobID.generate();
    const jobId2 = JobID.generate();
    const allocationId1 = AllocationID.generate();
    const allocationId2 = AllocationID.generate();
    const allocationId3 = AllocationID.generate();
    table.allocateSlot(0, jobId1, allocationId1, UNKNOWN, kSlotTimeoutMs);
    table.allocateSlot(1, jobId1, allocationId2, UNKNOWN, kSlotTimeoutMs);
    table.allocateSlot(2, jobId2, allocationId3, UNKNOWN, kSlotTimeoutMs);

    table.markSlotActive(allocationId1);
    table.markSlotActive(allocationId3);

    expect(table.getActiveTaskSlotAllocationIds()).to.deep.equal(new Set([allocationId1, allocationId3]));
    expect(table.getAllocationIdsPerJob(jobId1)).to.deep.equal(new Set([allocationId1, allocationId2]));
  });

  it('lists only ALLOCATED slots as allocated, and moves a slot back there when it is marked inactive', () => {
    const { table } = fixture;
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, kSlotTimeoutMs);

    table.markSlotActive(allocationId);
    expect(table.hasAllocatedSlots(jobId)).to.equal(false);
    expect(table.isAllocated(0, jobId, allocationId)).to.equal(true);

    expect(table.markSlotInactive(allocationId, kSlotTimeoutMs)).to.equal(true);
    const allocated = table.getAllocatedSlots(jobId);
    expect(allocated.map((slot) => slot.state)).to.deep.equal([TaskSlotState.ALLOCATED]);
    expect(table.getActiveTaskSlotAllocationIds()).to.deep.equal(new Set());
  });

  it('throws SlotNotFoundError when marking an unknown allocation active or inactive', () => {
    const { table } = fixture;
    const unknown = AllocationID.generate();

    expect(() => table.markSlotActive(unknown)).to.throw(
      SlotNotFoundError,
      `Could not find slot for ${unknown}.`,
    );
    expect(() => table.markSlotInactive(unknown, kSlotTimeoutMs)).to.throw(SlotNotFoundError);
    expect(table.tryMarkSlotActive(JobID.generate(), unknown)).to.equal(false);
  });

  it('does not activate a slot that is releasing', () => {
    const { table } = fixture;
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, kSlotTimeoutMs);
    table.markSlotActive(allocationId);
    const task = new TestingTaskSlotPayload(jobId, allocationId);
    table.addTask(task);
    expect(table.freeSlot(allocationId)).to.equal(-1);

    expect(table.markSlotActive(allocationId)).to.equal(false);
    expect(table.tryMarkSlotActive(jobId, allocationId)).to.equal(false);
    expect(table.markSlotInactive(allocationId, kSlotTimeoutMs)).to.equal(false);
    expect(table.isAllocated(0, jobId, allocationId)).to.equal(false);
    table.removeTask(task.executionId);
  });
});
