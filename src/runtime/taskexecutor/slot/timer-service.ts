// Timeouts per key, each identified by a ticket so that a timeout which fires late
// can be told apart from the one registered after it. Mirrors Flink's TimerService
// and TimeoutListener.

/** Identifies one registered timeout; a new registration for the same key gets a new ticket. */
export type TimeoutTicket = string;

export interface TimeoutListener<K> {
  notifyTimeout(key: K, ticket: TimeoutTicket): void;
}

export interface TimerService<K> {
  /** Sets the listener that timeouts are reported to; once. */
  start(listener: TimeoutListener<K>): void;
  /** Cancels every timeout; no listener call happens afterwards. */
  stop(): void;
  /** Registers a timeout for `key`, replacing (and cancelling) any earlier one. */
  registerTimeout(key: K, delayMs: number): void;
  unregisterTimeout(key: K): void;
  /** True only if `ticket` belongs to the timeout currently registered for `key`. */
  isValid(key: K, ticket: TimeoutTicket): boolean;
}
