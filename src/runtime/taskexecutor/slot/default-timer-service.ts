// TimerService on an injected ScheduledExecutor, mirroring Flink's
// DefaultTimerService. Every timeout is a cancellable scheduled task, cancelled on
// unregister, on replacement and on stop, so no timer outlives the service.

import type { ScheduledExecutor, ScheduledTask } from '../../../rpc/scheduled-executor.js';
import type { TimeoutListener, TimeoutTicket, TimerService } from './timer-service.js';

interface Timeout {
  readonly ticket: TimeoutTicket;
  readonly task: ScheduledTask;
}

export class DefaultTimerService<K> implements TimerService<K> {
  private readonly timeouts = new Map<K, Timeout>();
  private listener: TimeoutListener<K> | undefined;
  private stopped = false;
  /** Tickets only need to differ from the key's earlier ones (Flink draws a UUID). */
  private lastTicket = 0;

  constructor(private readonly executor: ScheduledExecutor) {}

  start(listener: TimeoutListener<K>): void {
    if (this.stopped)
      throw new Error('The DefaultTimerService has been stopped and cannot be started again.');
    if (this.listener) throw new Error('The DefaultTimerService has already been started.');
    this.listener = listener;
  }

  stop(): void {
    this.stopped = true;
    this.unregisterAllTimeouts();
    this.listener = undefined;
  }

  registerTimeout(key: K, delayMs: number): void {
    const listener = this.listener;
    if (!listener) throw new Error('The DefaultTimerService has not been started.');
    this.unregisterTimeout(key);
    const ticket: TimeoutTicket = `${++this.lastTicket}`;
    // The entry stays after it fires, as in Flink: the listener checks isValid(key, ticket)
    // later, and the owner unregisters the key when it acts on the timeout.
    const task = this.executor.schedule(() => listener.notifyTimeout(key, ticket), delayMs);
    this.timeouts.set(key, { ticket, task });
  }

  unregisterTimeout(key: K): void {
    const timeout = this.timeouts.get(key);
    if (timeout) {
      this.timeouts.delete(key);
      timeout.task.cancel();
    }
  }

  isValid(key: K, ticket: TimeoutTicket): boolean {
    return this.timeouts.get(key)?.ticket === ticket;
  }

  /** Number of registered timeouts, fired or not; for tests. */
  get size(): number {
    return this.timeouts.size;
  }

  /** The ticket of the timeout registered for `key`; for tests. */
  ticketOf(key: K): TimeoutTicket | undefined {
    return this.timeouts.get(key)?.ticket;
  }

  private unregisterAllTimeouts(): void {
    for (const timeout of this.timeouts.values()) timeout.task.cancel();
    this.timeouts.clear();
  }
}
