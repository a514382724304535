// Errors of the JobMaster and its job, with stable codes. Mirror Flink's
// JobMasterException, JobExecutionException, ExecutionGraphException,
// NoResourceAvailableException and the cancellation and restart-exhausted causes.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';

/** The JobMaster refused a call, e.g. from a TaskExecutor it does not know. */
export class JobMasterError extends FlinkError {
  static override readonly code: string = 'ERR_JOB_MASTER';
}

/** A state update or call names an execution the JobMaster does not know (any more). */
export class ExecutionGraphError extends FlinkError {
  static override readonly code: string = 'ERR_EXECUTION_GRAPH';
}

/**
 * The job did not finish. `cause` is what ended it: the error of the task whose
 * restarts ran out, or a JobCancellationError.
 */
export class JobExecutionError extends FlinkError {
  static override readonly code: string = 'ERR_JOB_EXECUTION';
}

/** The job was cancelled by its user. */
export class JobCancellationError extends JobExecutionError {
  static override readonly code: string = 'ERR_JOB_CANCELLED';
}

/**
 * The job failed because its tasks waited for a slot for slot.request.timeout
 * while it held none: no TaskExecutor offered one. Mirrors Flink's
 * NoResourceAvailableException; a JobExecutionError, as the job's result.
 */
export class NoResourceAvailableError extends JobExecutionError {
  static override readonly code: string = 'ERR_NO_RESOURCE_AVAILABLE';
}

/** An execution was lost with its TaskExecutor or slot; the restart strategy decides what follows. */
export class ExecutionLostError extends FlinkError {
  static override readonly code: string = 'ERR_EXECUTION_LOST';
}

/** The job description is not valid (no tasks, a bad module, bad restart settings). */
export class InvalidJobError extends FlinkError {
  static override readonly code: string = 'ERR_INVALID_JOB';
}

registerErrorClasses(
  JobMasterError,
  ExecutionGraphError,
  JobExecutionError,
  JobCancellationError,
  NoResourceAvailableError,
  ExecutionLostError,
  InvalidJobError,
);
