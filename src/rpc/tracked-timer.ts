// A ScheduledTask that belongs to an owner (an endpoint, or the service's
// scheduled executor), which cancels whatever is still pending when it closes.
// Flink's timers outlived their endpoints (FLINK-25085, FLINK-34427); these cannot.

import type { ScheduledTimer } from '../actor/scheduled-timer.js';
import type { ScheduledTask } from './scheduled-executor.js';

export class TrackedTimer implements ScheduledTask {
  private timer: Pick<ScheduledTimer, 'cancel'> | undefined;
  private state: 'pending' | 'done' | 'cancelled' = 'pending';

  constructor(private readonly owner: Set<TrackedTimer>) {
    owner.add(this);
  }

  start(timer: Pick<ScheduledTimer, 'cancel'>): void {
    this.timer = timer;
  }

  fire(run: () => void): void {
    if (this.state !== 'pending') return;
    this.state = 'done';
    this.owner.delete(this);
    run();
  }

  cancel(): boolean {
    if (this.state !== 'pending') return false;
    this.state = 'cancelled';
    this.owner.delete(this);
    this.timer?.cancel();
    return true;
  }

  get isCancelled(): boolean {
    return this.state === 'cancelled';
  }

  get isDone(): boolean {
    return this.state !== 'pending';
  }
}
