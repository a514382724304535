// One ActorSystem per thread: it owns the actors of its thread, their mailboxes,
// the table of pending asks and a single timer structure for their timeouts. It
// routes envelopes between local mailboxes and the transport's links.
// Mirrors the part of Pekko's ActorSystem that Flink's RPC layer relies on.

import { formatAddress, kLocalProtocol, type ActorAddress } from './address.js';
import { ActorRef } from './actor-ref.js';
import { ActorSelection, kResolverPath, resolveActorPath, type ResolveRequest } from './actor-selection.js';
import { checkOutgoing, FrameTooLargeError } from './clone-check.js';
import { decodeError, encodeError } from './error-codec.js';
import { kDefaultAskFailures, type AskFailures, type MessageInfo } from './errors.js';
import { getLogger } from './logger.js';
import { Kind, type AskEnvelope, type DataEnvelope, type TellEnvelope } from './protocol.js';
import { RingQueue } from './ring-queue.js';
import { DeathWatch } from './death-watch.js';
import { PendingAsks } from './pending-asks.js';
import { ScheduledTimer } from './scheduled-timer.js';
import { withoutStack } from './stackless-error.js';
import { TimerQueue } from './timer-queue.js';
import { HandshakeRefused, OutboundQueueFull } from './transport-errors.js';
import type { Link, Transport, TransportListener } from './transport.js';

const log = getLogger('actor-system');

/** What an actor implements. */
export interface Actor {
  /**
   * Handles one message. For an ask, the return value (or the promise it
   * returns) is the reply, and a throw or rejection fails the ask. `from` is the
   * sender's host.
   */
  receive(message: unknown, isAsk: boolean, from: string): unknown;
}

export interface ActorSystemOptions {
  /** The system name in addresses. Default `flink`, as in Flink. */
  readonly name?: string;
  readonly transport: Transport;
  /** Error classes for failures this layer detects. */
  readonly failures?: AskFailures;
  /** Largest message, in bytes, that may be sent. Default 10 MiB (Flink's pekko.framesize). */
  readonly maxFrameBytes?: number;
  /** Clone same-thread messages so they behave as cross-thread ones. Default true. */
  readonly cloneLocalMessages?: boolean;
  /** Messages an actor may process before others get a turn. Default 15 (pekko.throughput). */
  readonly throughput?: number;
  /** Messages processed in one event-loop turn before yielding. Default 4096. */
  readonly turnBudget?: number;
}

export interface ActorSystemMetrics {
  readonly actors: number;
  readonly pendingAsks: number;
  readonly deadLetters: number;
  /** Asks and tells this system sent, and that reached its actors' mailboxes (replies not counted). */
  readonly asksOut: number;
  readonly tellsOut: number;
  readonly asksIn: number;
  readonly tellsIn: number;
  /** Asks of this system whose deadline passed without a reply. */
  readonly askTimeouts: number;
  /** Frames and envelopes dropped as malformed, by this system and by its transport. */
  readonly malformedFrames: number;
  /** Open TCP connections. */
  readonly connections: number;
  /** TCP connections refused: TLS failures, refused handshakes, oversized frames. */
  readonly refusedConnections: number;
  /** Bytes of frames waiting for slow peers' sockets to drain (bounded by remote.outboundQueueBytes). */
  readonly outboundQueuedBytes: number;
}

class ActorCell {
  readonly mailbox = new RingQueue<DataEnvelope, Link>();
  scheduled = false;
  stopped = false;
  constructor(
    readonly path: string,
    readonly actor: Actor,
  ) {}
}

export class ActorSystem implements TransportListener {
  readonly name: string;
  readonly host: string;
  /** `node` for systems reached in-process, `node+tcp` for systems that listen on TCP. */
  readonly protocol: string;
  readonly failures: AskFailures;
  readonly maxFrameBytes: number;
  private readonly transport: Transport;
  private readonly cloneLocal: boolean;
  private readonly throughput: number;
  private readonly turnBudget: number;
  private readonly cells = new Map<string, ActorCell>();
  private lastPath = ''; // the recipient path of the last message delivered; see deliver
  private readonly timers = new TimerQueue();
  private readonly pending = new PendingAsks(this.timers, (entry) => {
    this.askTimeouts++;
    entry.reject(this.failures.timeout(entry, entry.timeoutMs));
  });
  private readonly deathWatch = new DeathWatch();
  private readonly ready = new RingQueue<ActorCell, null>();
  private dispatchQueued = false;
  private dispatching = false;
  private terminated = false;
  private deadLetters = 0;
  private malformedFrames = 0;
  // Plain integer increments on the hot path, read as gauges by the metrics layer
  // (Flink's MetricUtils reads the Pekko system's counters the same way).
  private asksOut = 0;
  private tellsOut = 0;
  private asksIn = 0;
  private tellsIn = 0;
  private askTimeouts = 0;
  private readonly runDispatch = () => this.dispatch();
  private readonly runDispatchLater = () => {
    this.dispatchQueued = false;
    this.dispatch();
  };
  /** The cell whose message is being processed right now, if any. */
  private current: ActorCell | undefined;

  constructor(options: ActorSystemOptions) {
    this.name = options.name ?? 'flink';
    this.transport = options.transport;
    this.host = options.transport.localHost;
    this.protocol = options.transport.protocol ?? kLocalProtocol;
    this.failures = options.failures ?? kDefaultAskFailures;
    this.maxFrameBytes = options.maxFrameBytes ?? 10 * 1024 * 1024;
    this.cloneLocal = options.cloneLocalMessages ?? true;
    this.throughput = options.throughput ?? 15;
    this.turnBudget = options.turnBudget ?? 4096;
    this.transport.start(this);
    this.spawn(kResolverPath, {
      receive: (message) => resolveActorPath(message as ResolveRequest, this, this.cells),
    });
  }

  /** The address of `path` in this system. */
  addressOf(path: string): string {
    return formatAddress({ protocol: this.protocol, system: this.name, host: this.host, path });
  }

  /** Registers an actor at `path`. Names are unique among live actors and reusable after stop. */
  spawn(path: string, actor: Actor): ActorRef {
    if (this.terminated) throw new Error(`The actor system ${this.addressOf('')} is terminated.`);
    if (this.cells.has(path)) throw new Error(`An actor is already registered at ${this.addressOf(path)}.`);
    this.cells.set(path, new ActorCell(path, actor));
    return this.refFor({ protocol: this.protocol, system: this.name, host: this.host, path });
  }

  /**
   * Removes the actor at `path`. Messages still in its mailbox are answered as
   * if it had never existed: asks fail as unreachable, tells become dead letters.
   */
  stop(path: string): void {
    const cell = this.cells.get(path);
    if (!cell) return;
    this.cells.delete(path);
    cell.stopped = true;
    while (cell.mailbox.length > 0) {
      const envelope = cell.mailbox.headFirst()!;
      const link = cell.mailbox.headSecond()!;
      cell.mailbox.dropHead();
      this.noSuchActor(link, envelope as AskEnvelope | TellEnvelope);
    }
  }

  isAlive(path: string): boolean {
    return this.cells.has(path);
  }

  refFor(address: ActorAddress): ActorRef {
    return new ActorRef(this, formatAddress(address), address.host, address.path);
  }

  selection(address: string): ActorSelection {
    return new ActorSelection(this, address);
  }

  /** True while a message of the actor at `path` is being processed. */
  isProcessing(path: string): boolean {
    return this.current?.path === path;
  }

  currentPath(): string | undefined {
    return this.current?.path;
  }

  metrics(): ActorSystemMetrics {
    const transport = this.transport.metrics?.();
    return {
      actors: this.cells.size,
      pendingAsks: this.pending.size,
      deadLetters: this.deadLetters,
      asksOut: this.asksOut,
      tellsOut: this.tellsOut,
      asksIn: this.asksIn,
      tellsIn: this.tellsIn,
      askTimeouts: this.askTimeouts,
      malformedFrames: this.malformedFrames + (transport?.malformedFrames ?? 0),
      connections: transport?.connections ?? 0,
      refusedConnections: transport?.refusedConnections ?? 0,
      outboundQueuedBytes: transport?.outboundQueuedBytes ?? 0,
    };
  }

  // ---- sending ---------------------------------------------------------------

  /**
   * Sends a message without a reply. Throws at once when the message cannot be
   * cloned or is over the frame limit. A message to a dead peer is a dead letter.
   * `clone: false` passes a same-thread message by reference (functions, for runAsync).
   */
  tell(ref: ActorRef, message: unknown, label: string, clone = true): void {
    const link = (ref.link ??= this.transport.link(ref.host));
    if (link.downReason !== undefined) {
      this.deadLetter(ref.address, label, link.downReason);
      return;
    }
    const body = clone ? this.prepare(link, message, ref.address, label) : this.byReference(link, message);
    this.tellsOut++;
    link.send({ k: Kind.Tell, to: ref.path, body }, this.preparedBytes);
  }

  /** Sends a message and resolves with the reply. Every returned promise settles. */
  ask(ref: ActorRef, message: unknown, timeoutMs: number, label: string, clone = true): Promise<unknown> {
    const link = (ref.link ??= this.transport.link(ref.host));
    if (link.downReason !== undefined) {
      return Promise.reject(
        this.linkFailure({ recipient: ref.address, label }, link.downReason, link.downCause),
      );
    }
    if (!(timeoutMs > 0)) {
      return Promise.reject(new RangeError(`Ask timeout must be a positive number of ms, got ${timeoutMs}.`));
    }
    let body: unknown;
    try {
      body = clone ? this.prepare(link, message, ref.address, label) : this.byReference(link, message);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const id = this.pending.add(link, ref.address, label, timeoutMs, resolve, reject);
      this.asksOut++;
      link.send(
        clone
          ? { k: Kind.Ask, to: ref.path, id, body }
          : { k: Kind.Ask, to: ref.path, id, body, byRef: true },
        this.preparedBytes,
      );
    });
  }

  /** Checks a message at the sender and clones it for a same-thread recipient. */
  private prepare(link: Link, message: unknown, recipient: string, label: string): unknown {
    try {
      this.preparedBytes = checkOutgoing(message, this.maxFrameBytes);
      return this.cloneLocal && link.host === this.host ? structuredClone(message) : message;
    } catch (error) {
      const info = { recipient, label };
      if (error instanceof FrameTooLargeError)
        throw this.failures.frameSize(info, error.bytes, this.maxFrameBytes);
      throw this.failures.serialization(info, error);
    }
  }

  private byReference(link: Link, message: unknown): unknown {
    if (link.host !== this.host) throw new Error('Only same-thread messages can be passed by reference.');
    this.preparedBytes = 0;
    return message;
  }

  /** The size estimate of the message prepare() last checked, for links that bound their queues in bytes. */
  private preparedBytes = 0;

  /**
   * Calls `onDown` once, outside any mailbox turn, when the link to `host` goes
   * down, or soon if it is down already. Returns a function that unwatches.
   */
  watch(host: string, onDown: (reason: string) => void): () => void {
    const downReason = this.transport.link(host).downReason;
    if (downReason === undefined) return this.deathWatch.watch(host, onDown);
    let watching = true;
    queueMicrotask(() => {
      if (watching) onDown(downReason);
    });
    return () => {
      watching = false;
    };
  }

  /**
   * Runs `task` after `delayMs` on this system's single timer structure. The
   * task runs from a timer callback, outside any actor's mailbox turn.
   */
  scheduleOnce(delayMs: number, task: () => void): ScheduledTimer {
    const timer = new ScheduledTimer(this.timers, performance.now() + delayMs, task);
    this.timers.add(timer);
    return timer;
  }

  // ---- receiving (TransportListener) ----------------------------------------------

  deliver(link: Link, envelope: DataEnvelope): void {
    switch (envelope.k) {
      case Kind.Tell:
      case Kind.Ask: {
        // A fresh copy of the path comes with every frame; the last one's hash is computed.
        const path = envelope.to === this.lastPath ? this.lastPath : (this.lastPath = envelope.to);
        const cell = this.cells.get(path);
        if (!cell) {
          this.noSuchActor(link, envelope);
          return;
        }
        if (envelope.k === Kind.Ask) this.asksIn++;
        else this.tellsIn++;
        cell.mailbox.push(envelope, link);
        this.schedule(cell);
        return;
      }
      case Kind.Reply: {
        const entry = this.pending.take(link, envelope.id);
        entry?.resolve(envelope.body);
        return;
      }
      case Kind.Failure: {
        const entry = this.pending.take(link, envelope.id);
        entry?.reject(decodeError(envelope.error, link.host));
        return;
      }
    }
  }

  malformed(link: Link, frame: unknown, reason: string): void {
    this.malformedFrames++;
    log.warn(`Dropped a malformed frame from ${link.host}: ${reason}.`);
    // Answer what can be answered, so that the sender does not wait for a timeout.
    const id = (frame as { id?: unknown } | null)?.id;
    const kind = (frame as { k?: unknown } | null)?.k;
    if (kind === Kind.Ask && Number.isSafeInteger(id)) {
      this.sendFailure(link, id as number, this.failures.unknownMessage(`Malformed envelope: ${reason}.`));
    }
  }

  undeliverable(link: Link, envelope: DataEnvelope, cause: unknown): void {
    if (envelope.k === Kind.Ask) {
      const entry = this.pending.take(link, envelope.id);
      if (!entry) return;
      if (cause instanceof OutboundQueueFull) entry.reject(this.failures.queueFull(entry, cause.message));
      else if (cause instanceof FrameTooLargeError)
        entry.reject(this.failures.frameSize(entry, cause.bytes, this.maxFrameBytes));
      else if (cause instanceof HandshakeRefused || link.downReason !== undefined)
        entry.reject(this.linkFailure(entry, link.downReason ?? String(cause), cause));
      else entry.reject(this.failures.serialization(entry, cause));
    } else if (envelope.k === Kind.Tell) {
      this.deadLetter(`${link.host}${envelope.to}`, envelope.to, String(cause));
    }
  }

  linkDown(link: Link, reason: string, cause?: Error): void {
    log.info(`Link to ${link.host} is down: ${reason}`);
    this.deathWatch.notifyDown(link.host, reason);
    for (const entry of this.pending.takeAllOf(link)) entry.reject(this.linkFailure(entry, reason, cause));
  }

  /** The error for a message that a down link cannot carry. */
  private linkFailure(info: MessageInfo, reason: string, cause: unknown): Error {
    if (cause instanceof HandshakeRefused)
      return this.failures.handshakeRefused(info, cause.refusal, cause.message);
    return this.failures.unreachable(info, reason);
  }

  private noSuchActor(link: Link, envelope: AskEnvelope | TellEnvelope): void {
    const reason = `no actor at ${envelope.to} on ${this.host} (never started, or terminated)`;
    if (envelope.k === Kind.Ask) {
      // Its stack would show only this dispatch loop: the caller's own trace is what helps.
      const recipient = this.addressOf(envelope.to);
      const failure = withoutStack(() => this.failures.unreachable({ recipient, label: 'ask' }, reason));
      this.sendFailure(link, envelope.id, failure);
    } else {
      this.deadLetter(this.addressOf(envelope.to), 'tell', reason);
    }
  }

  /** Counts and logs a message that reached nobody. Never silent. */
  deadLetter(recipient: string, label: string, reason: string): void {
    this.deadLetters++;
    log.warn(`Dead letter: [${label}] to [${recipient}]: ${reason}`);
  }

  // ---- mailboxes -------------------------------------------------------------

  private schedule(cell: ActorCell): void {
    if (cell.scheduled) return;
    cell.scheduled = true;
    this.ready.push(cell, null);
    if (!this.dispatching && !this.dispatchQueued) {
      this.dispatchQueued = true;
      queueMicrotask(this.runDispatchLater);
    }
  }

  // Round-robin over ready actors, `throughput` messages each, and at most
  // `turnBudget` messages before yielding to the event loop, so that timers,
  // I/O and other actors are never starved by a busy one.
  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    let budget = this.turnBudget;
    try {
      while (this.ready.length > 0 && budget > 0) {
        const cell = this.ready.headFirst()!;
        this.ready.dropHead();
        if (cell.stopped) continue;
        budget -= this.process(cell, Math.min(this.throughput, budget));
        if (cell.mailbox.length > 0 && !cell.stopped) this.ready.push(cell, null);
        else cell.scheduled = false;
      }
    } finally {
      this.dispatching = false;
    }
    if (this.ready.length > 0) setImmediate(this.runDispatch);
  }

  private process(cell: ActorCell, limit: number): number {
    let processed = 0;
    const mailbox = cell.mailbox;
    while (processed < limit && mailbox.length > 0 && !cell.stopped) {
      const envelope = mailbox.headFirst() as AskEnvelope | TellEnvelope;
      const link = mailbox.headSecond()!;
      mailbox.dropHead();
      processed++;
      this.current = cell;
      try {
        const result = cell.actor.receive(envelope.body, envelope.k === Kind.Ask, link.host);
        if (envelope.k === Kind.Ask) this.reply(link, envelope.id, result, envelope.byRef === true);
      } catch (error) {
        if (envelope.k === Kind.Ask) this.sendFailure(link, envelope.id, error);
        else log.warn(`Actor ${cell.path} failed to handle a tell:`, error);
      } finally {
        this.current = undefined;
      }
    }
    return processed;
  }

  private reply(link: Link, id: number, result: unknown, byRef: boolean): void {
    if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) => this.sendReply(link, id, value, byRef),
        (error) => this.sendFailure(link, id, error),
      );
    } else {
      this.sendReply(link, id, result, byRef);
    }
  }

  private sendReply(link: Link, id: number, value: unknown, byRef: boolean): void {
    if (link.downReason !== undefined) return;
    let body: unknown = value;
    let bytes = 0;
    if (!byRef) {
      try {
        body = this.prepare(link, value, link.host, `reply to ask ${id}`);
        bytes = this.preparedBytes;
      } catch (error) {
        this.sendFailure(link, id, error);
        return;
      }
    }
    link.send({ k: Kind.Reply, id, body }, bytes);
  }

  private sendFailure(link: Link, id: number, error: unknown): void {
    if (link.downReason !== undefined) return;
    link.send({ k: Kind.Failure, id, error: encodeError(error) });
  }

  // ---- shutdown ----------------------------------------------------------------

  /**
   * Stops every actor, fails every pending ask, and closes the transport. The
   * promise settles once the transport's sockets and servers are closed.
   */
  terminate(): Promise<void> {
    if (this.terminated) return this.closed;
    this.terminated = true;
    for (const path of [...this.cells.keys()]) this.stop(path);
    for (const entry of this.pending.takeAll()) {
      entry.reject(this.failures.unreachable(entry, 'the local actor system was terminated'));
    }
    this.timers.clear();
    this.deathWatch.clear();
    this.closed = Promise.resolve(this.transport.close());
    return this.closed;
  }

  private closed: Promise<void> = Promise.resolve();
}
