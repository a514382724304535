// A TaskExecutor's report that an execution changed state. Mirrors Flink's
// TaskExecutionState; a FINISHED report carries the task's return value, a
// FAILED one its error.

import type { ExecutionState } from './execution-state.js';
import type { ExecutionAttemptID, JobID } from './ids.js';
import type { SerializedThrowable } from './serialized-throwable.js';

export interface TaskExecutionState {
  readonly jobId: JobID;
  readonly executionId: ExecutionAttemptID;
  readonly state: ExecutionState;
  /** The task's return value (FINISHED only); it must be structured-cloneable. */
  readonly result?: unknown;
  /** Why the execution FAILED (or CANCELED). */
  readonly error?: SerializedThrowable;
  /**
   * How long the task ran on its worker, as the TaskExecutor measured it
   * (FINISHED only). It stands in for the RUNNING report, which a TaskExecutor
   * leaves out when FINISHED follows in the same batch.
   */
  readonly durationMs?: number;
}
