// Delays from an injected ScheduledExecutor (a ManualExecutor in tests), work in
// an endpoint's main thread. Heartbeats, registration retries and slot timeouts
// then run in the endpoint's mailbox whichever executor drives the time, as
// Flink's do (FLINK-9417). RpcEndpoint.mainThreadScheduler() makes them, and the
// endpoint cancels what is still pending when it terminates, so no task outlives it.

import type { ScheduledExecutor, ScheduledTask } from './scheduled-executor.js';

export class MainThreadScheduler implements ScheduledExecutor {
  private readonly pending = new Set<ScheduledTask>();

  constructor(
    private readonly scheduler: ScheduledExecutor,
    private readonly runAsync: (task: () => void) => void,
  ) {}

  execute(task: () => void): void {
    this.runAsync(task);
  }

  schedule(task: () => void, delayMs: number): ScheduledTask {
    const pending = this.pending;
    const scheduled = this.scheduler.schedule(() => {
      pending.delete(handle);
      this.runAsync(task);
    }, delayMs);
    const handle: ScheduledTask = {
      cancel: () => {
        pending.delete(handle);
        return scheduled.cancel();
      },
      get isCancelled() {
        return scheduled.isCancelled;
      },
      get isDone() {
        return scheduled.isDone;
      },
    };
    pending.add(handle);
    return handle;
  }

  /** Cancels every task that has not run yet. */
  cancelAll(): void {
    for (const task of [...this.pending]) task.cancel();
  }
}
