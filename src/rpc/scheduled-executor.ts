// Scheduling seams for time-driven code: heartbeats, registration backoff and
// slot timeouts take a ScheduledExecutor and a Clock instead of calling
// setTimeout and Date.now, so tests can drive time by hand. Mirrors Flink's
// ScheduledExecutor (org.apache.flink.util.concurrent).

/** A task scheduled for later. Cancelling a task that has not run yet stops it. */
export interface ScheduledTask {
  /** Returns true if this call stopped the task from running. */
  cancel(): boolean;
  readonly isCancelled: boolean;
  readonly isDone: boolean;
}

export interface ScheduledExecutor {
  /** Runs `task` soon, never synchronously. */
  execute(task: () => void): void;
  /** Runs `task` once after `delayMs` milliseconds (≥ 0). */
  schedule(task: () => void, delayMs: number): ScheduledTask;
}

/** Milliseconds on a monotonic time line. */
export interface Clock {
  now(): number;
}

export const kSystemClock: Clock = { now: () => performance.now() };
