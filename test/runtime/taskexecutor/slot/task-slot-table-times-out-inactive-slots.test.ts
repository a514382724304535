// Ported from Flink's TaskSlotTableImplTest (testAllocatedSlotTimeout,
// test[Try]MarkSlotActiveDeactivatesSlotTimeout), with time driven by a ManualExecutor.

import { expect } from 'chai';

import { AllocationID, JobID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import {
  createTaskSlotTableAndStart,
  TestingTaskSlotPayload,
  type TestingTable,
} from './testing-task-slot-table.js';

const { UNKNOWN } = ResourceProfile;

describe('TaskSlotTable slot timeouts', () => {
  let fixture: TestingTable;
  const jobId = JobID.generate();
  let allocationId: AllocationID;
  beforeEach(() => {
    fixture = createTaskSlotTableAndStart(1);
    allocationId = AllocationID.generate();
  });
  afterEach(() => fixture.table.closeAsync());

  it('reports an allocated slot that stays inactive to SlotActions.timeoutSlot with a valid ticket', () => {
    const { table, executor, slotActions } = fixture;
    expect(table.allocateSlot(0, jobId, allocationId, UNKNOWN, 50)).to.equal(true);

    executor.advance(49);
    expect(slotActions.timedOut).to.deep.equal([]);
    executor.advance(1);

    expect(slotActions.timedOut.map((t) => t.allocationId)).to.deep.equal([allocationId]);
    const ticket = slotActions.timedOut[0]!.ticket;
    expect(table.isValidTimeout(allocationId, ticket)).to.equal(true);
    expect(table.isValidTimeout(allocationId, 'another ticket')).to.equal(false);
  });

  it('cancels the slot timeout when the slot is marked active', () => {
    const { table, executor, slotActions } = fixture;
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, 50);

    expect(table.markSlotActive(allocationId)).to.equal(true);

    expect(executor.pendingCount).to.equal(0);
    executor.advance(1000);
    expect(slotActions.timedOut).to.deep.equal([]);
  });

  it('cancels the slot timeout when the owning job tries to mark the slot active', () => {
    const { table, executor, slotActions } = fixture;
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, 50);

    expect(table.tryMarkSlotActive(jobId, allocationId)).to.equal(true);

    expect(executor.pendingCount).to.equal(0);
    executor.advance(1000);
    expect(slotActions.timedOut).to.deep.equal([]);
  });

  it('arms a new timeout with a new ticket when an active slot is marked inactive', () => {
    const { table, executor, slotActions } = fixture;
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, 50);
    table.markSlotActive(allocationId);

    table.markSlotInactive(allocationId, 20);
    executor.advance(20);
    expect(slotActions.timedOut).to.have.length(1);
    const firstTicket = slotActions.timedOut[0]!.ticket;

    // Activity and a second inactivity replace the ticket: the late first timeout no longer counts.
    table.markSlotActive(allocationId);
    table.markSlotInactive(allocationId, 20);
    expect(table.isValidTimeout(allocationId, firstTicket)).to.equal(false);
    executor.advance(20);
    const secondTicket = slotActions.timedOut[1]!.ticket;
    expect(secondTicket).to.not.equal(firstTicket);
    expect(table.isValidTimeout(allocationId, secondTicket)).to.equal(true);
  });

  it('invalidates the timeout of a freed slot and cancels its timer', () => {
    const { table, executor } = fixture;
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, 50);
    executor.advance(50);
    const ticket = fixture.slotActions.timedOut[0]!.ticket;

    table.freeSlot(allocationId);
    expect(table.isValidTimeout(allocationId, ticket)).to.equal(false);

    table.allocateSlot(0, jobId, AllocationID.generate(), UNKNOWN, 50);
    table.freeSlot(table.getCurrentAllocation(0)!);
    expect(executor.pendingCount).to.equal(0);
  });

  it('treats no timeout as valid once the table is closing', async () => {
    const { table, executor, slotActions } = fixture;
    table.allocateSlot(0, jobId, allocationId, UNKNOWN, 50);
    table.markSlotActive(allocationId);
    const task = new TestingTaskSlotPayload(jobId, allocationId);
    table.addTask(task);
    table.markSlotInactive(allocationId, 10);
    executor.advance(10);
    const ticket = slotActions.timedOut[0]!.ticket;

    const closed = table.closeAsync();
    expect(table.isValidTimeout(allocationId, ticket)).to.equal(false);
    table.removeTask(task.executionId);
    await closed;
  });
});
