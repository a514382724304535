// What a job's users hear about it: each task attempt's state changes, and how
// the job ended. Mirrors Flink's JobResult and what its execution state
// listeners see; the JobClient of the cluster layer is built on these.

import type { ExecutionState } from './execution-state.js';
import type { ExecutionAttemptID, JobID, ResourceID } from './ids.js';
import type { JobStatus } from './job-status.js';

/** One state change of one task attempt, as the JobMaster's listener sees it. */
export interface TaskStateChange {
  readonly jobId: JobID;
  readonly taskIndex: number;
  readonly attemptNumber: number;
  readonly executionId: ExecutionAttemptID;
  readonly state: ExecutionState;
  /** The TaskExecutor the attempt was deployed to (from SCHEDULED on). */
  readonly resourceId: ResourceID | undefined;
  /** Why the attempt FAILED. */
  readonly error?: Error;
  /**
   * The attempt FAILED because its slot or TaskExecutor was lost, and that uses
   * no restart attempt: it had not run yet, or it had and one of its free
   * redeployments (restart.lostTaskExecutorRedeployments) took it, or the job
   * was ending anyway. It does not count in failedAttempts.
   */
  readonly lost?: boolean;
}

/** How a job ended. `results` are in task order (FINISHED only); `error` says why it did not finish. */
export interface JobResult {
  readonly jobId: JobID;
  readonly status: JobStatus;
  readonly results?: unknown[];
  readonly error?: Error;
}
