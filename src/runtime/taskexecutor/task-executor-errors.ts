// Errors the TaskExecutor raises, mirroring Flink's TaskManagerException,
// RegistrationTimeoutException, SlotAllocationException, SlotOccupiedException,
// TaskSubmissionException and TaskException, each with a stable code that
// survives a thread hop.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';
import type { AllocationID, JobID } from '../types/ids.js';

/** A TaskExecutor refused a request it cannot serve in its current state. */
export class TaskManagerError extends FlinkError {
  static override readonly code: string = 'ERR_TASK_MANAGER';
}

/** The TaskExecutor found no ResourceManager within `taskmanager.registration.timeout`. Fatal. */
export class RegistrationTimeoutError extends TaskManagerError {
  static override readonly code = 'ERR_REGISTRATION_TIMEOUT';
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

/** The TaskExecutor hit an error it cannot recover from; its runner ends it. */
export class TaskExecutorFatalError extends TaskManagerError {
  static override readonly code = 'ERR_TASK_EXECUTOR_FATAL';
}

registerErrorClasses(
  TaskManagerError,
  RegistrationTimeoutError,
  SlotAllocationError,
  SlotOccupiedError,
  TaskExecutorFatalError,
  TaskSubmissionError,
  TaskNotFoundError,
);
