// Ported from Flink's TaskSlotTableImplTest.testGenerateSlotReport: the report lists
// every static slot, free or not, plus the dynamic slots that are still allocated.

import { expect } from 'chai';

import { AllocationID, JobID, ResourceID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import type { SlotStatus } from '../../../../src/runtime/types/slot-report.js';
import {
  createTaskSlotTableAndStart,
  kDefaultResourceProfile,
  kSlotTimeoutMs,
} from './testing-task-slot-table.js';

describe('TaskSlotTable slot report', () => {
  it('lists all static slots and only the live dynamic slots', async () => {
    const { table } = createTaskSlotTableAndStart(3);
    const jobId = JobID.generate();
    const allocationId1 = AllocationID.generate();
    const allocationId2 = AllocationID.generate();
    const allocationId3 = AllocationID.generate();
    const { UNKNOWN } = ResourceProfile;

    expect(table.allocateSlot(0, jobId, allocationId1, UNKNOWN, kSlotTimeoutMs)).to.equal(true); // index 0
    expect(table.allocateSlot(-1, jobId, allocationId2, UNKNOWN, kSlotTimeoutMs)).to.equal(true); // index 3
    expect(table.allocateSlot(-1, jobId, allocationId3, UNKNOWN, kSlotTimeoutMs)).to.equal(true); // index 4
    expect(table.freeSlot(allocationId2)).to.equal(3);

    const resourceId = ResourceID.generate();
    const report = table.createSlotReport(resourceId);

    const profile = kDefaultResourceProfile;
    const expected: SlotStatus[] = [
      { slotId: { resourceId, slotNumber: 0 }, resourceProfile: profile, jobId, allocationId: allocationId1 },
      { slotId: { resourceId, slotNumber: 1 }, resourceProfile: profile },
      { slotId: { resourceId, slotNumber: 2 }, resourceProfile: profile },
      { slotId: { resourceId, slotNumber: 4 }, resourceProfile: profile, jobId, allocationId: allocationId3 },
    ];
    expect(report.slots).to.have.deep.members(expected);
    expect(report.slots).to.have.length(4);
    await table.closeAsync();
  });

  it('reports a dynamic slot with the profile it was allocated with', async () => {
    const { table } = createTaskSlotTableAndStart(2);
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    const small = ResourceProfile.of({ cpuCores: 0.25, taskHeapMemoryMB: 64 });
    table.allocateSlot(-1, jobId, allocationId, small, kSlotTimeoutMs);

    const resourceId = ResourceID.generate();
    const dynamic = table.createSlotReport(resourceId).slots.filter((s) => s.slotId.slotNumber >= 2);

    expect(dynamic).to.deep.equal([
      { slotId: { resourceId, slotNumber: 2 }, resourceProfile: small, jobId, allocationId },
    ]);
    await table.closeAsync();
  });

  it('is plain data that survives a structured clone unchanged', async () => {
    const { table } = createTaskSlotTableAndStart(2);
    table.allocateSlot(1, JobID.generate(), AllocationID.generate(), ResourceProfile.UNKNOWN, kSlotTimeoutMs);
    const report = table.createSlotReport(ResourceID.generate());

    expect(structuredClone(report)).to.deep.equal(report);
    await table.closeAsync();
  });
});
