// Errors of the stores that keep jobs across a JobManager failover (job graphs and job
// results), each with a stable code and registered with the error codec.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';

/** A pointer names a state file that is not there (someone removed the storage dir?). */
export class StateHandleNotFoundError extends FlinkError {
  static override readonly code = 'ERR_STATE_HANDLE_NOT_FOUND';
}

/** A state file or pointer cannot be read back. */
export class CorruptStateHandleError extends FlinkError {
  static override readonly code = 'ERR_STATE_HANDLE_CORRUPT';
}

/** Flink's StateHandleStore.AlreadyExistException: a node of that name exists. */
export class StateHandleAlreadyExistsError extends FlinkError {
  static override readonly code = 'ERR_STATE_HANDLE_ALREADY_EXISTS';
}

/** Flink's StateHandleStore.NotExistException: no node of that name. */
export class StateHandleNotExistError extends FlinkError {
  static override readonly code = 'ERR_STATE_HANDLE_NOT_EXIST';
}

/** The job graph store was used wrongly or could not do what was asked. */
export class JobGraphStoreError extends FlinkError {
  static override readonly code = 'ERR_JOB_GRAPH_STORE';
}

/** createDirtyResult for a job the store already has an entry for. */
export class JobResultEntryAlreadyExistsError extends FlinkError {
  static override readonly code = 'ERR_JOB_RESULT_ENTRY_EXISTS';
}

/** markResultAsClean for a job without a dirty entry (Flink's NoSuchElementException). */
export class NoSuchJobResultError extends FlinkError {
  static override readonly code = 'ERR_NO_SUCH_JOB_RESULT';
}

registerErrorClasses(
  StateHandleNotFoundError,
  CorruptStateHandleError,
  StateHandleAlreadyExistsError,
  StateHandleNotExistError,
  JobGraphStoreError,
  JobResultEntryAlreadyExistsError,
  NoSuchJobResultError,
);
