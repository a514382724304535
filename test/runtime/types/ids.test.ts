// Ids are branded strings of 32 hex characters, like Flink's AbstractID text.

import { expect } from 'chai';

import {
  AllocationID,
  ExecutionAttemptID,
  InstanceID,
  JobID,
  ResourceID,
} from '../../../src/runtime/types/ids.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';

describe('ids', () => {
  it('generate 32 lower-case hex characters, different each time', () => {
    for (const factory of [ResourceID, InstanceID, AllocationID, JobID, ExecutionAttemptID]) {
      const a = factory.generate();
      const b = factory.generate();
      expect(a).to.match(/^[0-9a-f]{32}$/);
      expect(a).to.not.equal(b);
    }
  });

  it('are equal by value after a structured clone, so they work as Map keys across threads', () => {
    const allocationId = AllocationID.generate();
    const slots = new Map([[allocationId, 1]]);
    expect(slots.get(structuredClone(allocationId))).to.equal(1);
  });

  it('brand a known string, but not an empty one', () => {
    expect(JobID.of('job-1')).to.equal('job-1');
    expect(() => JobID.of('')).to.throw(TypeError, /JobID/);
  });
});

describe('SlotID', () => {
  const resourceId = ResourceID.of('tm-1');

  it('prints as <resourceId>_<slotNumber>, as in Flink', () => {
    expect(SlotID.toString(SlotID.of(resourceId, 3))).to.equal('tm-1_3');
  });

  it('compares by resource id and slot number', () => {
    expect(SlotID.equals(SlotID.of(resourceId, 0), structuredClone(SlotID.of(resourceId, 0)))).to.equal(true);
    expect(SlotID.equals(SlotID.of(resourceId, 0), SlotID.of(resourceId, 1))).to.equal(false);
    expect(SlotID.equals(SlotID.of(resourceId, 0), SlotID.of(ResourceID.of('tm-2'), 0))).to.equal(false);
  });

  it('rejects a negative or fractional slot number', () => {
    expect(() => SlotID.of(resourceId, -1)).to.throw(RangeError);
    expect(() => SlotID.of(resourceId, 0.5)).to.throw(RangeError);
  });
});
