// After Flink's ResourceProfileTest: matching, comparison and arithmetic, including
// the special UNKNOWN and ANY profiles.

import { expect } from 'chai';

import {
  generateDefaultSlotResourceProfile,
  ResourceProfile,
} from '../../../src/runtime/types/resource-profile.js';

const { ANY, UNKNOWN, ZERO } = ResourceProfile;
const small = ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 100 });
const large = ResourceProfile.of({ cpuCores: 2, taskHeapMemoryMB: 200, managedMemoryMB: 50 });

describe('ResourceProfile', () => {
  it('fills missing fields with zero and refuses negative ones', () => {
    expect(ResourceProfile.of({})).to.deep.equal(ZERO);
    expect(ResourceProfile.of({ cpuCores: 1 }).networkMemoryMB).to.equal(0);
    expect(() => ResourceProfile.of({ managedMemoryMB: -1 })).to.throw(RangeError, /managedMemoryMB/);
  });

  it('matches only an equal profile or an UNKNOWN requirement, unless it is ANY', () => {
    expect(ResourceProfile.isMatching(large, small)).to.equal(false);
    expect(ResourceProfile.isMatching(small, structuredClone(small))).to.equal(true);
    expect(ResourceProfile.isMatching(small, UNKNOWN)).to.equal(true);
    expect(ResourceProfile.isMatching(ANY, large)).to.equal(true);
    expect(() => ResourceProfile.isMatching(UNKNOWN, small)).to.throw(TypeError);
  });

  it('compares field by field in allFieldsNoLessThan', () => {
    expect(ResourceProfile.allFieldsNoLessThan(large, small)).to.equal(true);
    expect(ResourceProfile.allFieldsNoLessThan(small, large)).to.equal(false);
    const moreCpuLessHeap = ResourceProfile.of({ cpuCores: 3, taskHeapMemoryMB: 10 });
    expect(ResourceProfile.allFieldsNoLessThan(moreCpuLessHeap, small)).to.equal(false);
    expect(ResourceProfile.allFieldsNoLessThan(ANY, large)).to.equal(true);
    expect(ResourceProfile.allFieldsNoLessThan(UNKNOWN, ZERO)).to.equal(false);
    expect(ResourceProfile.allFieldsNoLessThan(ZERO, UNKNOWN)).to.equal(true);
    expect(ResourceProfile.allFieldsNoLessThan(UNKNOWN, UNKNOWN)).to.equal(true);
  });

  it('adds and subtracts field by field, without floating-point noise in cpu cores', () => {
    const sum = ResourceProfile.add(small, large);
    expect(sum).to.deep.equal(
      ResourceProfile.of({ cpuCores: 3, taskHeapMemoryMB: 300, managedMemoryMB: 50 }),
    );
    expect(ResourceProfile.subtract(sum, large)).to.deep.equal(small);
    const cpu = ResourceProfile.subtract(
      ResourceProfile.of({ cpuCores: 1 }),
      ResourceProfile.of({ cpuCores: 0.7 }),
    );
    expect(cpu.cpuCores).to.equal(0.3);
  });

  it('refuses to subtract a profile that does not fit', () => {
    expect(() => ResourceProfile.subtract(small, large)).to.throw(RangeError, /unmatched resource profile/);
  });

  it('lets ANY win over everything and UNKNOWN over concrete profiles in arithmetic', () => {
    expect(ResourceProfile.add(ANY, UNKNOWN)).to.deep.equal(ANY);
    expect(ResourceProfile.subtract(small, ANY)).to.deep.equal(ANY);
    expect(ResourceProfile.add(small, UNKNOWN)).to.deep.equal(UNKNOWN);
    expect(ResourceProfile.subtract(UNKNOWN, small)).to.deep.equal(UNKNOWN);
  });

  it('multiplies every field, with zero giving ZERO', () => {
    expect(ResourceProfile.multiply(small, 3)).to.deep.equal(
      ResourceProfile.of({ cpuCores: 3, taskHeapMemoryMB: 300 }),
    );
    expect(ResourceProfile.multiply(small, 0)).to.deep.equal(ZERO);
    expect(() => ResourceProfile.multiply(small, -1)).to.throw(RangeError);
  });

  it('divides a total into default slot profiles, rounding memory down', () => {
    const total = ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 100, networkMemoryMB: 10 });
    expect(generateDefaultSlotResourceProfile(total, 3)).to.deep.equal(
      ResourceProfile.of({ cpuCores: 0.33333333, taskHeapMemoryMB: 33, networkMemoryMB: 3 }),
    );
    expect(() => generateDefaultSlotResourceProfile(total, 0)).to.throw(RangeError);
  });

  it('names UNKNOWN and ANY when printed', () => {
    expect(ResourceProfile.toString(UNKNOWN)).to.equal('ResourceProfile{UNKNOWN}');
    expect(ResourceProfile.toString(ANY)).to.equal('ResourceProfile{ANY}');
    expect(ResourceProfile.toString(small)).to.contain('cpuCores=1').and.contain('taskHeapMemoryMB=100');
  });

  it('stays UNKNOWN and ANY after a structured clone', () => {
    expect(ResourceProfile.isUnknown(structuredClone(UNKNOWN))).to.equal(true);
    expect(ResourceProfile.equals(structuredClone(ANY), ANY)).to.equal(true);
  });
});
