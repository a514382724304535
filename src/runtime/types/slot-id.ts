// A slot's address: the TaskExecutor's ResourceID plus the slot's index. Mirrors
// Flink's SlotID, whose toString is `<resourceId>_<slotNumber>`.

import type { ResourceID } from './ids.js';

export interface SlotID {
  readonly resourceId: ResourceID;
  readonly slotNumber: number;
}

export const SlotID = {
  of(resourceId: ResourceID, slotNumber: number): SlotID {
    if (!Number.isInteger(slotNumber) || slotNumber < 0) {
      throw new RangeError(`Slot number must be a non-negative integer, got ${slotNumber}`);
    }
    return { resourceId, slotNumber };
  },

  equals(a: SlotID, b: SlotID): boolean {
    return a.resourceId === b.resourceId && a.slotNumber === b.slotNumber;
  },

  toString(slotId: SlotID): string {
    return `${slotId.resourceId}_${slotId.slotNumber}`;
  },
};
