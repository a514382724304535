// When a failed task may run again, and after how long. Mirrors Flink's
// FixedDelayRestartBackoffTimeStrategy (restart-strategy.fixed-delay.attempts
// and .delay). Flink keeps one strategy for the whole job; threadlink keeps one
// per task, because every task is its own failover region and one flaky task
// should not use up the restarts of the others.
//
// threadlink's own addition: a budget of free redeployments after an
// infrastructure loss (the task's TaskExecutor or slot went while it ran). A
// crashed worker is not the user's failure, so it must not use up the attempts
// they set aside for their own code; the budget keeps a task that keeps taking
// its TaskExecutors down from being redeployed forever.

import type { RestartStrategyConfiguration } from '../types/job-graph.js';
import { InvalidJobError } from './job-master-errors.js';

export const kNoRestart: RestartStrategyConfiguration = { attempts: 0, delayMs: 0 };

export class FixedDelayRestartBackoffTimeStrategy {
  private failures = 0;
  private freeRedeploymentsLeft: number;

  constructor(
    private readonly configuration: RestartStrategyConfiguration,
    /** Free redeployments after a lost TaskExecutor when the configuration sets none. */
    defaultFreeRedeployments = 0,
  ) {
    const free = configuration.lostTaskExecutorRedeployments ?? defaultFreeRedeployments;
    if (!Number.isInteger(free) || free < 0) {
      // A JobGraph may come from elsewhere than createJobGraph: check it where it is used.
      throw new InvalidJobError(
        `restart.lostTaskExecutorRedeployments must be a whole number ≥ 0, got ${String(free)}.`,
      );
    }
    this.freeRedeploymentsLeft = free;
  }

  /** Records one failure. */
  notifyFailure(): void {
    this.failures++;
  }

  /** Whether the failures so far leave a restart. */
  canRestart(): boolean {
    return this.failures <= this.configuration.attempts;
  }

  /**
   * The task lost its TaskExecutor or slot while it ran: true if that uses one
   * free redeployment, false if none is left (then it counts as a failure).
   */
  tryFreeRedeployment(): boolean {
    if (this.freeRedeploymentsLeft === 0) return false;
    this.freeRedeploymentsLeft--;
    return true;
  }

  getBackoffTime(): number {
    return this.configuration.delayMs;
  }

  getNumberOfFailures(): number {
    return this.failures;
  }
}
