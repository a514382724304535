// A slot that a TaskExecutor offers to a JobMaster. Mirrors Flink's SlotOffer.

import type { AllocationID } from './ids.js';
import type { ResourceProfile } from './resource-profile.js';

export interface SlotOffer {
  readonly allocationId: AllocationID;
  readonly slotIndex: number;
  readonly resourceProfile: ResourceProfile;
}
