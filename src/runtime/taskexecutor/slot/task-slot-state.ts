// States of an allocated slot, mirroring Flink's TaskSlotState. A free slot has no
// TaskSlot at all, so FREE is not among them.

export const TaskSlotState = {
  /** Allocated to a job, waiting for its JobMaster; a timeout frees it. */
  ALLOCATED: 'ALLOCATED',
  /** In use by the job's JobMaster; accepts tasks. */
  ACTIVE: 'ACTIVE',
  /** Being freed; waits for its remaining tasks to go. */
  RELEASING: 'RELEASING',
} as const;

export type TaskSlotState = (typeof TaskSlotState)[keyof typeof TaskSlotState];
