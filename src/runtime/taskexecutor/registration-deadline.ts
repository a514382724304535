// The TaskExecutor's registration deadline (taskmanager.registration.timeout):
// running while it has no ResourceManager connection, and fatal when it passes.
// Mirrors TaskExecutor.startRegistrationTimeout / registrationTimeout in Flink,
// where each start gets a new id and a stale timeout finds its id replaced.

import type { ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import { RegistrationTimeoutError } from './task-executor-errors.js';

export class RegistrationDeadline {
  /** The running deadline's number; 0 when stopped. A stale timeout finds a newer one (Flink draws a UUID per start). */
  private currentId = 0;
  private starts = 0;
  private task: ScheduledTask | undefined;

  constructor(
    /** taskmanager.registration.timeout; null: wait for ever. */
    private readonly maxRegistrationDurationMs: number | null,
    private readonly executor: ScheduledExecutor,
    private readonly onTimeout: (error: RegistrationTimeoutError) => void,
  ) {}

  /** (Re)starts the deadline: it passes `maxRegistrationDurationMs` from now unless stopped. */
  start(): void {
    this.task?.cancel();
    this.task = undefined;
    if (this.maxRegistrationDurationMs === null) return;
    const id = ++this.starts;
    this.currentId = id;
    this.task = this.executor.schedule(() => this.timeout(id), this.maxRegistrationDurationMs);
  }

  stop(): void {
    this.currentId = 0;
    // Flink leaves the task to run and find its id stale; cancelling keeps no timer alive.
    this.task?.cancel();
    this.task = undefined;
  }

  private timeout(id: number): void {
    if (id !== this.currentId) return;
    this.onTimeout(
      new RegistrationTimeoutError(
        `Could not register at the ResourceManager within the specified maximum registration duration ` +
          `${this.maxRegistrationDurationMs} ms. This indicates a problem with this instance. Terminating now.`,
      ),
    );
  }
}
