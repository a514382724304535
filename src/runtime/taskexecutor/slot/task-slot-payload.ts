// What a slot holds: a task, seen only through its ids. Mirrors Flink's
// TaskSlotPayload. Here a task counts as terminated once it is removed from the
// table (TaskSlotTable.removeTask), which is what the TaskExecutor does when a task
// reaches a final state; Flink waits on a separate termination future instead.

import type { AllocationID, ExecutionAttemptID, JobID } from '../../types/ids.js';

export interface TaskSlotPayload {
  readonly executionId: ExecutionAttemptID;
  readonly jobId: JobID;
  readonly allocationId: AllocationID;
  /** Called when the slot is freed under the task; the owner should cancel it, then remove it. */
  failExternally?(cause: Error): void;
}
