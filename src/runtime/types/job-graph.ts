// A job as it travels to a Dispatcher and a JobMaster, and as a JobGraphStore
// keeps it: its tasks and how to restart them, as plain data. Mirrors the part
// of Flink's JobGraph threadlink needs: every task is an independent vertex
// (parallelism 1, no edges), whose code is a module export.

import type { JobID } from './ids.js';
import type { TaskInvokable } from './task-deployment-descriptor.js';

/** Flink's fixed-delay restart strategy, per task (restart-strategy.fixed-delay.attempts and .delay). */
export interface RestartStrategyConfiguration {
  /** How many times a failed task is started again; 0 means a failure fails the job. */
  readonly attempts: number;
  /** Milliseconds between a failure and the restart. */
  readonly delayMs: number;
  /**
   * threadlink's own: how often a task whose TaskExecutor or slot was lost while
   * it ran is redeployed at once without using an attempt; beyond that a loss
   * counts as a failure. Unset: the cluster's
   * jobmanager.execution.lost-task-executor-redeployments (default 3).
   */
  readonly lostTaskExecutorRedeployments?: number;
}

export interface JobGraph {
  readonly jobId: JobID;
  readonly name: string;
  readonly tasks: readonly TaskInvokable[];
  readonly restartStrategy: RestartStrategyConfiguration;
}
