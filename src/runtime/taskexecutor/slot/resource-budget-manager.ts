// Reserves and releases parts of a fixed total of resources, refusing a reservation
// the remaining budget cannot cover. Mirrors Flink's ResourceBudgetManager.

import { ResourceProfile } from '../../types/resource-profile.js';

export class ResourceBudgetManager {
  private available: ResourceProfile;

  constructor(readonly totalBudget: ResourceProfile) {
    checkKnown(totalBudget);
    this.available = totalBudget;
  }

  get availableBudget(): ResourceProfile {
    return this.available;
  }

  /** Takes `reservation` from the budget; false, and no change, if some field is short. */
  reserve(reservation: ResourceProfile): boolean {
    checkKnown(reservation);
    if (!ResourceProfile.allFieldsNoLessThan(this.available, reservation)) return false;
    this.available = ResourceProfile.subtract(this.available, reservation);
    return true;
  }

  /** Gives `reservation` back; false, and no change, if the budget would exceed the total. */
  release(reservation: ResourceProfile): boolean {
    checkKnown(reservation);
    const next = ResourceProfile.add(this.available, reservation);
    if (!ResourceProfile.allFieldsNoLessThan(this.totalBudget, next)) return false;
    this.available = next;
    return true;
  }
}

function checkKnown(profile: ResourceProfile): void {
  if (ResourceProfile.isUnknown(profile)) {
    throw new TypeError('The resource budget cannot work with an UNKNOWN resource profile.');
  }
}
