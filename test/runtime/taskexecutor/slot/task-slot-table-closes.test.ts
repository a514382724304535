// The TaskSlotTable's lifecycle, CREATED → RUNNING → CLOSING → CLOSED, ported from
// Flink's TaskSlotTableImplTest.testTableIsClosedOnlyWhenAllTasksTerminated.

import { expect } from 'chai';

import { AllocationID, JobID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import {
  createTaskSlotTable,
  createTaskSlotTableAndStart,
  createTaskSlotTableWithStartedTask,
  kSlotTimeoutMs,
  TestingTaskSlotPayload,
} from './testing-task-slot-table.js';

async function isSettled(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  // Two turns of the microtask queue let an already-settled chain report back.
  await Promise.resolve();
  await Promise.resolve();
  return settled;
}

describe('TaskSlotTable closing', () => {
  it('closes only when all tasks are terminated', async () => {
    const task = new TestingTaskSlotPayload();
    const { table } = createTaskSlotTableWithStartedTask(task);
    expect(table.freeSlot(task.allocationId)).to.equal(-1);

    const closing = table.closeAsync();
    expect(await isSettled(closing)).to.equal(false);
    expect(table.isClosed()).to.equal(false);

    table.removeTask(task.executionId);
    await closing;
    expect(table.isClosed()).to.equal(true);
  });

  it('frees every slot, fails their tasks and cancels every slot timeout', async () => {
    const { table, executor } = createTaskSlotTableAndStart(2);
    const jobId = JobID.generate();
    const idle = AllocationID.generate();
    const busy = AllocationID.generate();
    table.allocateSlot(0, jobId, idle, ResourceProfile.UNKNOWN, kSlotTimeoutMs);
    table.allocateSlot(1, jobId, busy, ResourceProfile.UNKNOWN, kSlotTimeoutMs);
    table.markSlotActive(busy);
    const task = new TestingTaskSlotPayload(jobId, busy);
    table.addTask(task);
    expect(executor.pendingCount).to.equal(1);

    const closing = table.closeAsync();

    expect(table.isSlotFree(0)).to.equal(true);
    expect(task.failures.map((e) => e.message)).to.deep.equal(['Closing task slot table']);
    table.removeTask(task.executionId);
    await closing;
    expect(executor.pendingCount).to.equal(0);
    expect(table.closeAsync()).to.equal(closing);
  });

  it('stops the timer service once closed, cancelling the timeout of a slot it could not free', async () => {
    const task = new TestingTaskSlotPayload();
    const { table, executor, timerService, slotActions } = createTaskSlotTableWithStartedTask(task);
    // A slot that went inactive while its task still runs has a timeout but cannot be freed yet.
    table.markSlotInactive(task.allocationId, kSlotTimeoutMs);

    const closing = table.closeAsync();
    table.removeTask(task.executionId);
    await closing;

    expect(executor.pendingCount).to.equal(0);
    expect(() => timerService.registerTimeout(task.allocationId, 1)).to.throw(/has not been started/);
    executor.advance(kSlotTimeoutMs);
    expect(slotActions.timedOut).to.deep.equal([]);
  });

  it('closes at once when it was never started', async () => {
    const { table } = createTaskSlotTable(1);
    await table.closeAsync();
    expect(table.isClosed()).to.equal(true);
    expect(() => table.start({ freeSlot() {}, timeoutSlot() {} })).to.throw(/just created/);
  });

  it('cannot be started twice', async () => {
    const { table, slotActions } = createTaskSlotTableAndStart(1);
    expect(() => table.start(slotActions)).to.throw(/just created/);
    await table.closeAsync();
  });

  it('refuses new work while closing but lets remaining tasks be removed and slots freed', async () => {
    const task = new TestingTaskSlotPayload();
    const { table, slotActions } = createTaskSlotTableWithStartedTask(task);
    slotActions.onFreeSlot = (allocationId) => table.freeSlot(allocationId);

    const closing = table.closeAsync();
    expect(() => table.markSlotActive(task.allocationId)).to.throw(/has to be running, but is CLOSING/);
    expect(() => table.addTask(new TestingTaskSlotPayload(task.jobId, task.allocationId))).to.throw(
      /has to be running/,
    );

    table.removeTask(task.executionId);
    expect(slotActions.freed).to.deep.equal([task.allocationId]);
    expect(table.isSlotFree(0)).to.equal(true);
    await closing;
  });
});
