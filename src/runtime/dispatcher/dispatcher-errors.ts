// What a Dispatcher call can fail with, each with a stable code. Mirrors Flink's
// FlinkJobNotFoundException and DuplicateJobSubmissionException.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';

/** The Dispatcher refused a call it cannot serve in its current state. */
export class DispatcherError extends FlinkError {
  static override readonly code: string = 'ERR_DISPATCHER';
}

/** No job with that id runs here or ran here recently. */
export class JobNotFoundError extends DispatcherError {
  static override readonly code = 'ERR_JOB_NOT_FOUND';
}

/** A job with that id was submitted already. */
export class DuplicateJobSubmissionError extends DispatcherError {
  static override readonly code = 'ERR_DUPLICATE_JOB';
}

/** A job's results, all together, do not fit into one message (maxFrameBytes) to its client. */
export class JobResultTooLargeError extends DispatcherError {
  static override readonly code = 'ERR_JOB_RESULT_TOO_LARGE';
}

/** requestJobResult for a job that has not ended yet. */
export class JobNotFinishedError extends DispatcherError {
  static override readonly code = 'ERR_JOB_NOT_FINISHED';
}

registerErrorClasses(
  DispatcherError,
  JobNotFoundError,
  DuplicateJobSubmissionError,
  JobResultTooLargeError,
  JobNotFinishedError,
);
