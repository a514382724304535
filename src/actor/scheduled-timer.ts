// A task on an ActorSystem's single timer structure (see timer-queue.ts): what
// scheduleOnce returns, and what the rpc layer's endpoint timers wrap.

import type { TimerEntry, TimerQueue } from './timer-queue.js';

export class ScheduledTimer implements TimerEntry {
  heapIndex = -1;
  seq = 0;
  constructor(
    private readonly queue: TimerQueue,
    public deadline: number,
    private readonly task: () => void,
  ) {}

  get isPending(): boolean {
    return this.heapIndex >= 0;
  }

  /** Returns true if this call stopped the task from running. */
  cancel(): boolean {
    if (this.heapIndex < 0) return false;
    this.queue.remove(this);
    return true;
  }

  onTimer(): void {
    this.task();
  }
}
