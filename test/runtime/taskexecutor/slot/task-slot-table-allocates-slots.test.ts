// Ported from Flink's TaskSlotTableImplTest: allocation of static and dynamic slots.

import { expect } from 'chai';

import { AllocationID, JobID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import {
  createTaskSlotTable,
  createTaskSlotTableAndStart,
  kDefaultResourceProfile,
  kSlotTimeoutMs,
  type TestingTable,
} from './testing-task-slot-table.js';

const { UNKNOWN } = ResourceProfile;

describe('TaskSlotTable allocation', () => {
  let fixture: TestingTable | undefined;
  afterEach(async () => {
    await fixture?.table.closeAsync();
    fixture = undefined;
  });
  function start(numberSlots: number): TestingTable {
    return (fixture = createTaskSlotTableAndStart(numberSlots));
  }

  it('allocates a static slot for the job and allocation', () => {
    const { table } = start(1);
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();

    expect(table.allocateSlot(0, jobId, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(true);

    const allocated = table.getAllocatedSlots(jobId);
    expect(allocated).to.have.length(1);
    expect(allocated[0]?.index).to.equal(0);
    expect(allocated[0]?.allocationId).to.equal(allocationId);
    expect(allocated[0]?.jobId).to.equal(jobId);
    expect(table.isSlotFree(0)).to.equal(false);
    expect(table.getOwningJob(allocationId)).to.equal(jobId);
  });

  it('refuses the same allocation at another static index, and another allocation at a taken index', () => {
    const { table } = start(2);
    const jobId = JobID.generate();
    const allocationId1 = AllocationID.generate();
    const allocationId2 = AllocationID.generate();

    expect(table.allocateSlot(0, jobId, allocationId1, UNKNOWN, kSlotTimeoutMs)).to.equal(true);
    expect(table.allocateSlot(1, jobId, allocationId1, UNKNOWN, kSlotTimeoutMs)).to.equal(false);
    expect(table.allocateSlot(0, jobId, allocationId2, UNKNOWN, kSlotTimeoutMs)).to.equal(false);

    expect(table.isAllocated(0, jobId, allocationId1)).to.equal(true);
    expect(table.isSlotFree(1)).to.equal(true);
    expect(table.getAllocatedSlots(jobId).map((s) => s.index)).to.deep.equal([0]);
  });

  it('refuses the same dynamic allocation for another job', () => {
    const { table } = start(1);
    const jobId1 = JobID.generate();
    const jobId2 = JobID.generate();
    const allocationId = AllocationID.generate();

    expect(table.allocateSlot(-1, jobId1, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(true);
    expect(table.allocateSlot(-1, jobId2, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(false);

    expect(table.isAllocated(1, jobId1, allocationId)).to.equal(true);
    expect(table.getAllocatedSlots(jobId1).map((s) => s.allocationId)).to.deep.equal([allocationId]);
    expect(table.hasAllocatedSlots(jobId2)).to.equal(false);
  });

  it('accepts an identical static allocation twice without a second slot', () => {
    const { table } = start(2);
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();

    expect(table.allocateSlot(0, jobId, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(true);
    expect(table.allocateSlot(0, jobId, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(true);

    expect(table.isAllocated(0, jobId, allocationId)).to.equal(true);
    expect(table.isSlotFree(1)).to.equal(true);
    expect(table.getAllocatedSlots(jobId).map((s) => s.index)).to.deep.equal([0]);
  });

  it('accepts an identical dynamic allocation twice and keeps the same slot', () => {
    const { table } = start(1);
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();

    expect(table.allocateSlot(-1, jobId, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(true);
    const [first] = table.getAllocatedSlots(jobId);
    expect(table.allocateSlot(-1, jobId, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(true);
    const allocated = table.getAllocatedSlots(jobId);

    expect(table.isAllocated(1, jobId, allocationId)).to.equal(true);
    expect(allocated).to.have.length(1);
    expect(allocated[0]).to.equal(first);
  });

  it('refuses a repeated allocation whose resource profile differs', () => {
    const { table } = start(2);
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    const smaller = ResourceProfile.of({ cpuCores: 0.5 });

    expect(table.allocateSlot(-1, jobId, allocationId, UNKNOWN, kSlotTimeoutMs)).to.equal(true);
    expect(table.allocateSlot(-1, jobId, allocationId, smaller, kSlotTimeoutMs)).to.equal(false);
  });

  it('numbers dynamic slots from numberSlots upwards', () => {
    const { table } = start(2);
    const jobId = JobID.generate();
    const allocationId1 = AllocationID.generate();
    const allocationId2 = AllocationID.generate();
    const half = ResourceProfile.of({ cpuCores: 0.5 });

    expect(table.allocateSlot(-1, jobId, allocationId1, half, kSlotTimeoutMs)).to.equal(true);
    expect(table.allocateSlot(-1, jobId, allocationId2, half, kSlotTimeoutMs)).to.equal(true);

    expect(table.isAllocated(2, jobId, allocationId1)).to.equal(true);
    expect(table.isAllocated(3, jobId, allocationId2)).to.equal(true);
    expect(table.isSlotFree(0)).to.equal(true);
  });

  it('gives a dynamic slot the concrete resource profile it asked for', () => {
    const { table } = start(2);
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    const profile = ResourceProfile.add(kDefaultResourceProfile, ResourceProfile.of({ cpuCores: 0.1 }));

    expect(table.allocateSlot(-1, jobId, allocationId, profile, kSlotTimeoutMs)).to.equal(true);

    const allocated = table.getAllocatedSlots(jobId);
    expect(allocated).to.have.length(1);
    expect(allocated[0]?.index).to.equal(2);
    expect(allocated[0]?.resourceProfile).to.deep.equal(profile);
  });

  it('gives a request with an UNKNOWN profile the default slot profile', () => {
    const { table } = start(2);
    const jobId = JobID.generate();

    expect(table.allocateSlot(-1, jobId, AllocationID.generate(), UNKNOWN, kSlotTimeoutMs)).to.equal(true);

    const allocated = table.getAllocatedSlots(jobId);
    expect(allocated[0]?.index).to.equal(2);
    expect(allocated[0]?.resourceProfile).to.deep.equal(kDefaultResourceProfile);
  });

  it('refuses an allocation the remaining resource budget cannot cover', () => {
    const { table } = start(2);
    const jobId = JobID.generate();
    const tooLarge = ResourceProfile.multiply(kDefaultResourceProfile, 3);

    expect(table.allocateSlot(-1, jobId, AllocationID.generate(), tooLarge, kSlotTimeoutMs)).to.equal(false);
    expect(table.hasAllocatedSlots(jobId)).to.equal(false);
  });

  it('counts static and dynamic slots against the same budget, and gets the budget back on free', () => {
    const { table } = start(1);
    const jobId = JobID.generate();
    const staticAllocation = AllocationID.generate();

    expect(table.allocateSlot(0, jobId, staticAllocation, UNKNOWN, kSlotTimeoutMs)).to.equal(true);
    expect(table.allocateSlot(-1, jobId, AllocationID.generate(), UNKNOWN, kSlotTimeoutMs)).to.equal(false);

    expect(table.freeSlot(staticAllocation)).to.equal(0);
    expect(table.allocateSlot(-1, jobId, AllocationID.generate(), UNKNOWN, kSlotTimeoutMs)).to.equal(true);
  });

  it('rejects a static index at or above numberSlots', () => {
    const { table } = start(2);
    expect(() =>
      table.allocateSlot(2, JobID.generate(), AllocationID.generate(), UNKNOWN, kSlotTimeoutMs),
    ).to.throw(RangeError, /below 2/);
  });

  it('rejects an allocation before the table is started and after it is closed', async () => {
    const { table } = createTaskSlotTable(1);
    expect(() => table.allocateSlot(0, JobID.generate(), AllocationID.generate(), UNKNOWN, 1)).to.throw(
      /has to be running, but is CREATED/,
    );

    const started = start(1).table;
    await started.closeAsync();
    expect(() => started.allocateSlot(0, JobID.generate(), AllocationID.generate(), UNKNOWN, 1)).to.throw(
      /has to be running, but is CLOSED/,
    );
  });
});
