// A ScheduledExecutor and Clock driven by hand, for deterministic tests of
// heartbeats, backoff and timeouts. Mirrors Flink's
// ManuallyTriggeredScheduledExecutorService: nothing runs until the test says so.

import type { Clock, ScheduledExecutor, ScheduledTask } from '../../src/rpc/scheduled-executor.js';

interface Entry extends ScheduledTask {
  readonly dueAt: number;
  readonly seq: number;
  readonly task: () => void;
}

export class ManualExecutor implements ScheduledExecutor, Clock {
  private time = 0;
  private seq = 0;
  private readonly entries: Entry[] = [];

  now(): number {
    return this.time;
  }

  execute(task: () => void): void {
    this.schedule(task, 0);
  }

  schedule(task: () => void, delayMs: number): ScheduledTask {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be zero or greater, got ${delayMs}`);
    let cancelled = false;
    let done = false;
    const entries = this.entries;
    const entry: Entry = {
      dueAt: this.time + delayMs,
      seq: this.seq++,
      task: () => {
        done = true;
        task();
      },
      cancel() {
        if (cancelled || done) return false;
        cancelled = true;
        entries.splice(entries.indexOf(entry), 1);
        return true;
      },
      get isCancelled() {
        return cancelled;
      },
      get isDone() {
        return done || cancelled;
      },
    };
    this.entries.push(entry);
    return entry;
  }

  /** Number of tasks waiting, due or not. */
  get pendingCount(): number {
    return this.entries.length;
  }

  /** Delays of the waiting tasks, relative to now, in scheduling order. */
  pendingDelays(): number[] {
    return this.entries.map((e) => e.dueAt - this.time);
  }

  /** Runs every task that is due now, including tasks they schedule for now. Returns how many ran. */
  triggerAll(): number {
    let ran = 0;
    for (let next = this.nextDue(this.time); next; next = this.nextDue(this.time)) {
      this.entries.splice(this.entries.indexOf(next), 1);
      next.task();
      ran++;
    }
    return ran;
  }

  /** Moves time forward by `ms`, running due tasks in time order along the way. */
  advance(ms: number): number {
    const target = this.time + ms;
    let ran = 0;
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.time = Math.max(this.time, next.dueAt);
      this.entries.splice(this.entries.indexOf(next), 1);
      next.task();
      ran++;
    }
    this.time = target;
    return ran;
  }

  private nextDue(limit: number): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries) {
      if (e.dueAt <= limit && (!best || e.dueAt < best.dueAt || (e.dueAt === best.dueAt && e.seq < best.seq)))
        best = e;
    }
    return best;
  }
}
