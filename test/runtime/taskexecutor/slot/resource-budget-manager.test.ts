// Ported from Flink's ResourceBudgetManagerTest.

import { expect } from 'chai';

import { ResourceBudgetManager } from '../../../../src/runtime/taskexecutor/slot/resource-budget-manager.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';

function profile(cpuCores: number, taskHeapMemoryMB: number): ResourceProfile {
  return ResourceProfile.of({ cpuCores, taskHeapMemoryMB });
}

describe('ResourceBudgetManager', () => {
  it('reserves from the available budget', () => {
    const budget = new ResourceBudgetManager(profile(1.0, 100));
    expect(budget.reserve(profile(0.7, 70))).to.equal(true);
    expect(budget.availableBudget).to.deep.equal(profile(0.3, 30));
  });

  it('refuses a reservation larger than the available budget and keeps the budget', () => {
    const budget = new ResourceBudgetManager(profile(1.0, 100));
    expect(budget.reserve(profile(1.2, 120))).to.equal(false);
    expect(budget.availableBudget).to.deep.equal(profile(1.0, 100));
  });

  it('refuses a reservation when any single field is short', () => {
    const budget = new ResourceBudgetManager(profile(1.0, 100));
    expect(budget.reserve(profile(0.5, 101))).to.equal(false);
    expect(budget.reserve(ResourceProfile.of({ managedMemoryMB: 1 }))).to.equal(false);
    expect(budget.availableBudget).to.deep.equal(profile(1.0, 100));
  });

  it('releases back into the budget', () => {
    const budget = new ResourceBudgetManager(profile(1.0, 100));
    expect(budget.reserve(profile(0.7, 70))).to.equal(true);
    expect(budget.release(profile(0.5, 50))).to.equal(true);
    expect(budget.availableBudget).to.deep.equal(profile(0.8, 80));
  });

  it('refuses a release that would exceed the total and keeps the budget', () => {
    const budget = new ResourceBudgetManager(profile(1.0, 100));
    expect(budget.reserve(profile(0.7, 70))).to.equal(true);
    expect(budget.release(profile(0.8, 80))).to.equal(false);
    expect(budget.availableBudget).to.deep.equal(profile(0.3, 30));
  });

  it('rejects an UNKNOWN total or reservation', () => {
    expect(() => new ResourceBudgetManager(ResourceProfile.UNKNOWN)).to.throw(TypeError);
    const budget = new ResourceBudgetManager(profile(1, 1));
    expect(() => budget.reserve(ResourceProfile.UNKNOWN)).to.throw(TypeError);
    expect(() => budget.release(ResourceProfile.UNKNOWN)).to.throw(TypeError);
  });
});
