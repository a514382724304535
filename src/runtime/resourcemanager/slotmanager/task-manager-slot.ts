// One slot of a registered TaskExecutor as the slot manager sees it, and how a
// slot report updates it. Mirrors Flink's DeclarativeTaskManagerSlot (states
// FREE, PENDING, ALLOCATED) and the reconciliation of DefaultSlotTracker: what a
// TaskExecutor reports as allocated wins, while a slot we have asked for
// (PENDING) stays pending when reported free, since the report may have been
// taken before our request arrived. The answer to the request settles it.

import type { AllocationID, JobID, ResourceID } from '../../types/ids.js';
import { ResourceProfile } from '../../types/resource-profile.js';
import { SlotID } from '../../types/slot-id.js';
import type { SlotReport } from '../../types/slot-report.js';

/** FREE: can be given to a job. PENDING: a requestSlot is in flight. ALLOCATED: held by an allocation. */
export type SlotState = 'FREE' | 'PENDING' | 'ALLOCATED';

export interface TaskManagerSlot {
  readonly slotId: SlotID;
  readonly resourceProfile: ResourceProfile;
  readonly state: SlotState;
  /** The job the slot is pending for or allocated to; a reported allocation may lack one. */
  readonly jobId?: JobID;
  /** Set unless FREE. */
  readonly allocationId?: AllocationID;
}

export const TaskManagerSlot = {
  free(slot: TaskManagerSlot): TaskManagerSlot {
    return { slotId: slot.slotId, resourceProfile: slot.resourceProfile, state: 'FREE' };
  },

  pending(slot: TaskManagerSlot, jobId: JobID, allocationId: AllocationID): TaskManagerSlot {
    return {
      slotId: slot.slotId,
      resourceProfile: slot.resourceProfile,
      state: 'PENDING',
      jobId,
      allocationId,
    };
  },

  allocated(slot: TaskManagerSlot, jobId: JobID | undefined, allocationId: AllocationID): TaskManagerSlot {
    return {
      slotId: slot.slotId,
      resourceProfile: slot.resourceProfile,
      state: 'ALLOCATED',
      allocationId,
      ...(jobId === undefined ? {} : { jobId }),
    };
  },

  /** Whether the slot is held by, or being given to, `jobId`. */
  isAcquiredBy(slot: TaskManagerSlot, jobId: JobID): boolean {
    return slot.state !== 'FREE' && slot.jobId === jobId;
  },

  /**
   * Whether a slot of profile `slotProfile` can serve a requirement of
   * `requiredProfile` (Flink's ResourceProfile.isMatching). A slot whose size
   * is UNKNOWN serves only requirements that are UNKNOWN too.
   */
  matches(slotProfile: ResourceProfile, requiredProfile: ResourceProfile): boolean {
    if (ResourceProfile.isUnknown(slotProfile)) return ResourceProfile.isUnknown(requiredProfile);
    return ResourceProfile.isMatching(slotProfile, requiredProfile);
  },
};

/**
 * The slots of TaskExecutor `resourceId` after `report`, given what was known
 * before. The report is the whole truth about which slots exist, so dynamic
 * slots that appear or vanish are followed too; slots another TaskExecutor's id
 * are skipped (and returned in `foreign`, for the caller to log).
 */
export function slotsAfterReport(
  resourceId: ResourceID,
  report: SlotReport,
  previous: ReadonlyMap<number, TaskManagerSlot> = new Map(),
): { slots: Map<number, TaskManagerSlot>; foreign: SlotID[] } {
  const slots = new Map<number, TaskManagerSlot>();
  const foreign: SlotID[] = [];
  for (const status of report.slots) {
    if (status.slotId.resourceId !== resourceId) {
      foreign.push(status.slotId);
      continue;
    }
    const reported: TaskManagerSlot = {
      slotId: SlotID.of(resourceId, status.slotId.slotNumber),
      resourceProfile: status.resourceProfile,
      state: 'FREE',
    };
    const known = previous.get(status.slotId.slotNumber);
    if (status.allocationId !== undefined) {
      slots.set(
        reported.slotId.slotNumber,
        TaskManagerSlot.allocated(reported, status.jobId, status.allocationId),
      );
    } else if (known?.state === 'PENDING') {
      slots.set(reported.slotId.slotNumber, known);
    } else {
      slots.set(reported.slotId.slotNumber, reported);
    }
  }
  return { slots, foreign };
}
