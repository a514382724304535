// What a TaskExecutorGateway call can fail with, mirroring Flink's
// TaskManagerException, SlotAllocationException, SlotOccupiedException,
// TaskSubmissionException and TaskException. They live with the gateway because
// callers act on them: the slot manager, for one, tells an occupied slot apart.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';
import type { AllocationID, JobID } from '../types/ids.js';

/** A TaskExecutor refused a request it cannot serve in its current state. */
export class TaskManagerError extends FlinkError {
  static override readonly code: string = 'ERR_TASK_MANAGER';
}

/** A slot could not be allocated. */
export class SlotAllocationError extends TaskManagerError {
  static override readonly code: string = 'ERR_SLOT_ALLOCATION';
}

/** The slot is held by another allocation. */
export class SlotOccupiedError extends SlotAllocationError {
  static override readonly code = 'ERR_SLOT_OCCUPIED';

  constructor(
    message: string,
    readonly allocationId: AllocationID,
    readonly jobId: JobID,
  ) {
    super(message);
  }
}

/** submitTask was refused: no JobMaster connection, a wrong JobMasterId, no slot of the job, a duplicate. */
export class TaskSubmissionError extends TaskManagerError {
  static override readonly code = 'ERR_TASK_SUBMISSION';
}

/** No task with that execution id runs on this TaskExecutor. */
export class TaskNotFoundError extends TaskManagerError {
  static override readonly code = 'ERR_TASK_NOT_FOUND';
}

registerErrorClasses(
  TaskManagerError,
  SlotAllocationError,
  SlotOccupiedError,
  TaskSubmissionError,
  TaskNotFoundError,
);
