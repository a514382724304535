// What a TaskExecutor tells the ResourceManager about its slots. Mirrors Flink's
// SlotStatus and SlotReport. A free slot has neither allocationId nor jobId.

import type { AllocationID, JobID } from './ids.js';
import type { ResourceProfile } from './resource-profile.js';
import type { SlotID } from './slot-id.js';

export interface SlotStatus {
  readonly slotId: SlotID;
  readonly resourceProfile: ResourceProfile;
  readonly allocationId?: AllocationID;
  readonly jobId?: JobID;
}

export interface SlotReport {
  readonly slots: readonly SlotStatus[];
}
