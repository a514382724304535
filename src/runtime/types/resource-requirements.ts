// What a JobMaster declares it needs from the ResourceManager: how many slots of
// which profile. Declarative, as in Flink's ResourceRequirements: each
// declaration replaces the previous one, and zero slots means "none any more".

import type { JobID, JobMasterId } from './ids.js';
import type { ResourceProfile } from './resource-profile.js';

export interface ResourceRequirement {
  readonly resourceProfile: ResourceProfile;
  readonly numberOfRequiredSlots: number;
}

export interface ResourceRequirements {
  readonly jobId: JobID;
  /** The JobMaster's address, which TaskExecutors receive with requestSlot. */
  readonly targetAddress: string;
  /**
   * The JobMaster's leader session, set by the ResourceManager once it has checked
   * it against the job's registration; TaskExecutors receive it with requestSlot.
   */
  readonly jobMasterId?: JobMasterId;
  readonly resourceRequirements: readonly ResourceRequirement[];
}

export const ResourceRequirements = {
  create(
    jobId: JobID,
    targetAddress: string,
    resourceRequirements: readonly ResourceRequirement[],
  ): ResourceRequirements {
    return { jobId, targetAddress, resourceRequirements };
  },
  /** The total number of slots asked for. */
  totalSlots(requirements: ResourceRequirements): number {
    let total = 0;
    for (const r of requirements.resourceRequirements) total += r.numberOfRequiredSlots;
    return total;
  },
};
