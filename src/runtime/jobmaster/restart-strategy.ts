// When a failed task may run again, and after how long. Mirrors Flink's
// FixedDelayRestartBackoffTimeStrategy (restart-strategy.fixed-delay.attempts
// and .delay). Flink keeps one strategy for the whole job; threadlink keeps one
// per task, because every task is its own failover region and one flaky task
// should not use up the restarts of the others.

import type { RestartStrategyConfiguration } from '../types/job-graph.js';

export const kNoRestart: RestartStrategyConfiguration = { attempts: 0, delayMs: 0 };

export class FixedDelayRestartBackoffTimeStrategy {
  private failures = 0;

  constructor(private readonly configuration: RestartStrategyConfiguration) {}

  /** Records one failure. */
  notifyFailure(): void {
    this.failures++;
  }

  /** Whether the failures so far leave a restart. */
  canRestart(): boolean {
    return this.failures <= this.configuration.attempts;
  }

  getBackoffTime(): number {
    return this.configuration.delayMs;
  }

  getNumberOfFailures(): number {
    return this.failures;
  }
}
