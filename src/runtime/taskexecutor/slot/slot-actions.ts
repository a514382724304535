// Callbacks from the TaskSlotTable to its owner, the TaskExecutor. Mirrors Flink's
// SlotActions.

import type { AllocationID } from '../../types/ids.js';
import type { TimeoutTicket } from './timer-service.js';

export interface SlotActions {
  /** The slot's last task is gone while the slot was being released: free it now. */
  freeSlot(allocationId: AllocationID): void;
  /** The slot's timeout fired; act only if TaskSlotTable.isValidTimeout(allocationId, ticket). */
  timeoutSlot(allocationId: AllocationID, ticket: TimeoutTicket): void;
}
