// What the Dispatcher tells the REST API about its jobs: one line per job with
// its task counts, and the whole picture of one job (its tasks with their
// latest attempts and TaskExecutors, and its exception history). Mirrors
// Flink's JobDetails (messages.webmonitor) and ExecutionGraphInfo, as plain
// data that crosses threads and processes.

import type { ExecutionState } from './execution-state.js';
import type { JobID } from './ids.js';
import type { JobStatus } from './job-status.js';
import type { SerializedThrowable } from './serialized-throwable.js';

/** One job in a list. Mirrors Flink's JobDetails. */
export interface JobDetails {
  readonly jobId: JobID;
  readonly jobName: string;
  readonly status: JobStatus;
  /** When the Dispatcher accepted the job, in ms since the epoch. */
  readonly startTime: number;
  /** When it ended; -1 while it runs (Flink's convention). */
  readonly endTime: number;
  /** When its status or a task last changed, in ms since the epoch. */
  readonly lastUpdateTime: number;
  readonly numTasks: number;
  /** How many tasks are in each state now. */
  readonly tasksPerState: Readonly<Record<ExecutionState, number>>;
}

/** A task's latest attempt. Mirrors Flink's AccessExecution, as the REST API shows a subtask. */
export interface ArchivedExecution {
  readonly taskIndex: number;
  readonly state: ExecutionState;
  readonly attemptNumber: number;
  /** The TaskExecutor the attempt runs or ran on; undefined before it is deployed. */
  readonly resourceId: string | undefined;
  readonly lastUpdateTime: number;
}

/** One failed attempt of the job's exception history. Mirrors Flink's ExceptionHistoryEntry. */
export interface ExceptionHistoryEntry {
  readonly timestamp: number;
  readonly taskIndex: number;
  readonly attemptNumber: number;
  readonly resourceId: string | undefined;
  readonly error: SerializedThrowable;
}

/** Everything the REST API shows of one job. Mirrors Flink's ExecutionGraphInfo. */
export interface ExecutionGraphInfo {
  readonly details: JobDetails;
  readonly tasks: readonly ArchivedExecution[];
  /** Failed attempts so far, not counting attempts lost with their TaskExecutor or slot. */
  readonly failedAttempts: number;
  /** Newest last, at most the exception history size. */
  readonly exceptionHistory: readonly ExceptionHistoryEntry[];
  /** Why the job failed, once it has failed. */
  readonly failureCause: SerializedThrowable | undefined;
}
