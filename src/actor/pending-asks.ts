// The asks of one actor system that wait for their reply: by id, each with its
// deadline on the system's single timer structure. A reply is taken only from
// the link its ask went out on; a link that goes down takes its asks with it.
// Mirrors the temporary reply actors of Pekko's ask pattern, as a table.

import type { MessageInfo } from './errors.js';
import type { TimerEntry, TimerQueue } from './timer-queue.js';
import type { Link } from './transport.js';

export class PendingAsk implements TimerEntry, MessageInfo {
  heapIndex = -1;
  seq = 0;
  constructor(
    private readonly table: PendingAsks,
    readonly id: number,
    readonly link: Link,
    readonly recipient: string,
    readonly label: string,
    readonly timeoutMs: number,
    public deadline: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: Error) => void,
  ) {}

  onTimer(): void {
    this.table.expire(this);
  }
}

export class PendingAsks {
  private readonly byId = new Map<number, PendingAsk>();
  private nextId = 0;

  constructor(
    private readonly timers: TimerQueue,
    /** An ask's deadline passed without a reply; it has left the table. */
    private readonly timedOut: (entry: PendingAsk) => void,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  /** Registers an ask sent over `link`; returns its id, which the reply carries. */
  add(
    link: Link,
    recipient: string,
    label: string,
    timeoutMs: number,
    resolve: (value: unknown) => void,
    reject: (error: Error) => void,
  ): number {
    const id = ++this.nextId;
    const deadline = performance.now() + timeoutMs;
    const entry = new PendingAsk(this, id, link, recipient, label, timeoutMs, deadline, resolve, reject);
    this.byId.set(id, entry);
    this.timers.add(entry);
    return id;
  }

  /** Takes the ask `id` out, if it went out over `link`. */
  take(link: Link, id: number): PendingAsk | undefined {
    const entry = this.byId.get(id);
    if (!entry || entry.link !== link) return undefined;
    this.byId.delete(id);
    this.timers.remove(entry);
    return entry;
  }

  /** Takes out every ask that went out over `link`. */
  takeAllOf(link: Link): PendingAsk[] {
    const taken: PendingAsk[] = [];
    for (const entry of this.byId.values()) if (entry.link === link) taken.push(entry);
    for (const entry of taken) this.take(link, entry.id);
    return taken;
  }

  /** Takes out every ask. */
  takeAll(): PendingAsk[] {
    const taken = [...this.byId.values()];
    for (const entry of taken) this.take(entry.link, entry.id);
    return taken;
  }

  expire(entry: PendingAsk): void {
    if (this.byId.get(entry.id) !== entry) return;
    this.byId.delete(entry.id);
    this.timedOut(entry);
  }
}
