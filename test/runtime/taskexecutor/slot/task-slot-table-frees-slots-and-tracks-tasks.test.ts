// Ported from Flink's TaskSlotTableImplTest: freeing slots, and the tasks in them.

import { expect } from 'chai';

import {
  SlotNotActiveError,
  SlotNotFoundError,
} from '../../../../src/runtime/taskexecutor/slot/slot-errors.js';
import { AllocationID, ExecutionAttemptID, JobID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import {
  createTaskSlotTableAndStart,
  createTaskSlotTableWithStartedTask,
  kSlotTimeoutMs,
  TestingTaskSlotPayload,
  type TestingTable,
} from './testing-task-slot-table.js';

const { UNKNOWN } = ResourceProfile;

describe('TaskSlotTable freeing slots and tracking tasks', () => {
  let fixture: TestingTable | undefined;
  /** Tasks a test leaves in the table; removed after closeAsync, as a TaskExecutor would once they end. */
  const leftoverTasks: TestingTaskSlotPayload[] = [];
  afterEach(async () => {
    const table = fixture?.table;
    const closed = table?.closeAsync();
    for (const task of leftoverTasks.splice(0)) table?.removeTask(task.executionId);
    await closed;
    expect(fixture?.executor.pendingCount).to.equal(0);
    fixture = undefined;
  });

  it('returns the index of a freed empty slot and makes the index free', () => {
    const { table } = (fixture = createTaskSlotTableAndStart(2));
    const jobId = JobID.generate();
    const allocationId1 = AllocationID.generate();
    const allocationId2 = AllocationID.generate();
    table.allocateSlot(0, jobId, allocationId1, UNKNOWN, kSlotTimeoutMs);
    table.allocateSlot(1, jobId, allocationId2, UNKNOWN, kSlotTimeoutMs);

    expect(table.freeSlot(allocationId2)).to.equal(1);

    expect(table.getAllocatedSlots(jobId).map((s) => s.index)).to.deep.equal([0]);
    expect(table.isAllocated(1, jobId, allocationId1)).to.equal(false);
    expect(table.isAllocated(1, jobId, allocationId2)).to.equal(false);
    expect(table.isSlotFree(1)).to.equal(true);
    expect(table.getOwningJob(allocationId2)).to.equal(undefined);
    expect(() => table.freeSlot(allocationId2)).to.throw(SlotNotFoundError);
  });

  it('forgets a job once its last slot is freed', () => {
    const { table } = (fixture = createTaskSlotTableAndStart(1));
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, kSlotTimeoutMs);

    table.freeSlot(allocationId);

    expect(table.getAllocationIdsPerJob(jobId)).to.deep.equal(new Set());
    expect(table.hasAllocatedSlots(jobId)).to.equal(false);
  });

  it('returns -1 and fails the running task when a slot with a task is freed', () => {
    const task = new TestingTaskSlotPayload();
    const { table } = (fixture = createTaskSlotTableWithStartedTask(task));
    leftoverTasks.push(task);
    const cause = new Error('job cancelled');

    expect(table.freeSlot(task.allocationId, cause)).to.equal(-1);

    expect(task.failures).to.deep.equal([cause]);
    expect(table.isSlotFree(0)).to.equal(false);
    expect(table.getOwningJob(task.allocationId)).to.equal(task.jobId);
  });

  it('calls SlotActions.freeSlot when the last task of a releasing slot is removed', () => {
    const task = new TestingTaskSlotPayload();
    const { table, slotActions } = (fixture = createTaskSlotTableWithStartedTask(task));
    slotActions.onFreeSlot = (allocationId) => table.freeSlot(allocationId);

    // The slot's release starts outside; the finished task's removal completes it.
    table.freeSlot(task.allocationId);
    expect(slotActions.freed).to.deep.equal([]);
    expect(table.removeTask(task.executionId)).to.equal(task);

    expect(slotActions.freed).to.deep.equal([task.allocationId]);
    expect(table.isSlotFree(0)).to.equal(true);
  });

  it('does not call SlotActions.freeSlot when a task leaves a slot that is not releasing', () => {
    const task = new TestingTaskSlotPayload();
    const { table, slotActions } = (fixture = createTaskSlotTableWithStartedTask(task));

    table.removeTask(task.executionId);

    expect(slotActions.freed).to.deep.equal([]);
    expect(table.getActiveTaskSlotAllocationIds()).to.deep.equal(new Set([task.allocationId]));
  });

  it('adds a task to its active slot once, and finds it by execution id and job', () => {
    const task = new TestingTaskSlotPayload();
    const { table } = (fixture = createTaskSlotTableWithStartedTask(task));
    leftoverTasks.push(task);
    const twin = new TestingTaskSlotPayload(task.jobId, task.allocationId, task.executionId);

    expect(table.addTask(twin)).to.equal(false);

    expect(table.getTask(task.executionId)).to.equal(task);
    expect(table.getTasks(task.jobId)).to.deep.equal([task]);
    expect(table.getTasks(JobID.generate())).to.deep.equal([]);
  });

  it('refuses a task whose slot is unknown or not active', () => {
    const { table } = (fixture = createTaskSlotTableAndStart(1));
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    const unknownSlotTask = new TestingTaskSlotPayload(jobId);
    expect(() => table.addTask(unknownSlotTask)).to.throw(SlotNotFoundError);

    table.allocateSlot(0, jobId, allocationId, UNKNOWN, kSlotTimeoutMs);
    const task = new TestingTaskSlotPayload(jobId, allocationId);
    expect(() => table.addTask(task)).to.throw(
      SlotNotActiveError,
      `No active slot for job ${jobId} with allocation id ${allocationId}.`,
    );

    table.markSlotActive(allocationId);
    const otherJobsTask = new TestingTaskSlotPayload(JobID.generate(), allocationId);
    expect(() => table.addTask(otherJobsTask)).to.throw(SlotNotActiveError);
    expect(table.addTask(task)).to.equal(true);
    leftoverTasks.push(task);
  });

  it('returns undefined when removing an unknown task', () => {
    const { table } = (fixture = createTaskSlotTableAndStart(1));
    expect(table.removeTask(ExecutionAttemptID.generate())).to.equal(undefined);
  });
});
