// The link to one peer system over TCP: an association that may hold the
// connection this side dialed and the one the peer dialed. Envelopes of one tick
// leave as one frame on one connection, so tells keep their order. Losing any
// connection ends the association: every ask towards the peer fails at once,
// and a reconnect gate (exponential backoff) opens before the next send may
// dial again. A peer that comes back with another uid is a new incarnation; the
// old one is quarantined (Pekko Artery's association, gate and quarantine).

import { encodeBatch, decodeAt, kSlots } from '../batch-codec.js';
import { FrameTooLargeError } from '../clone-check.js';
import { checkDataEnvelope, type DataEnvelope } from '../protocol.js';
import { HandshakeRefused, OutboundQueueFull } from '../transport-errors.js';
import type { Link, TransportListener } from '../transport.js';
import type { Connection } from './connection.js';
import { decodeDataPayload, encodeDataFrame, kEnvelopeOverheadBytes } from './frame-codec.js';
import type { Hello } from './handshake.js';

/**
 * A batch this large leaves at once instead of at the end of the tick, so the
 * peer starts on it while this side keeps producing (as in port-link.ts).
 */
const kMaxBatch = 64;

export interface TcpLinkLimits {
  /** Envelopes queued towards one peer, not yet handed to its socket. */
  readonly outboundQueueSize: number;
  /** Bytes of frames waiting for the socket to drain. */
  readonly outboundQueueBytes: number;
  /** This side's largest message; the peer's may be smaller. */
  readonly maxFrameBytes: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

/** What a link needs from its transport. */
export interface TcpLinkOwner {
  readonly listener: TransportListener;
  readonly limits: TcpLinkLimits;
  now(): number;
  /** Opens a connection to the link's host; it reports back through established() or lost(). */
  dial(link: TcpLink): Connection;
  quarantine(host: string, uid: string): void;
}

export class TcpLink implements Link {
  /** uid of the incarnation this link talks to, once one has answered. */
  peerUid: string | undefined;
  private gateReason: string | undefined;
  private gateCause: HandshakeRefused | undefined;
  private gateUntil = 0;
  private backoffMs = 0;
  private batch: DataEnvelope[] | null = null;
  /** Size estimate of the batch's bodies, so that the byte bound holds before serialization. */
  private batchBytes = 0;
  private flushQueued = false;
  private sending: Connection | undefined;
  private dialing: Connection | undefined;
  private readonly connections = new Set<Connection>();
  private peerMaxFrameBytes = Infinity;
  private readonly flush = () => this.flushBatch();

  constructor(
    readonly host: string,
    private readonly owner: TcpLinkOwner,
  ) {}

  /** Down while the reconnect gate is closed; the first look after it opens finds the link up. */
  get downReason(): string | undefined {
    if (this.gateReason !== undefined && this.owner.now() >= this.gateUntil) {
      this.gateReason = undefined;
      this.gateCause = undefined;
    }
    return this.gateReason;
  }

  get downCause(): Error | undefined {
    return this.downReason === undefined ? undefined : this.gateCause;
  }

  get isConnected(): boolean {
    return this.sending !== undefined;
  }

  send(envelope: DataEnvelope, bytes = 0): void {
    const down = this.downReason;
    if (down !== undefined) {
      this.owner.listener.undeliverable(this, envelope, this.gateCause ?? new Error(down));
      return;
    }
    const limits = this.owner.limits;
    const queued = (this.batch?.length ?? 0) + (this.sending?.queuedMessages ?? 0);
    const queuedBytes = this.batchBytes + (this.sending?.queuedBytes ?? 0);
    if (queued >= limits.outboundQueueSize || queuedBytes + bytes > limits.outboundQueueBytes) {
      this.owner.listener.undeliverable(
        this,
        envelope,
        new OutboundQueueFull(
          `the outbound queue to ${this.host} is full (${queued} messages, about ${queuedBytes} bytes ` +
            'not yet taken by the socket).',
        ),
      );
      return;
    }
    this.batchBytes += bytes;
    if (this.batch) {
      this.batch.push(envelope);
      if (this.batch.length >= kMaxBatch && this.sending) this.flushBatch();
      return;
    }
    this.batch = [envelope];
    if (this.sending) this.scheduleFlush();
    else this.dialing ??= this.owner.dial(this);
  }

  /** A connection of this peer finished its handshake; `hello` is the peer's. */
  established(connection: Connection, hello: Hello): void {
    if (this.peerUid !== undefined && hello.uid !== this.peerUid) {
      this.owner.quarantine(this.host, this.peerUid);
      // The peer restarted before this side noticed the loss: what went to the old one is never answered.
      if (this.connections.size > 0) {
        this.endAssociation(
          `${this.host} restarted: a new incarnation (uid ${hello.uid}) replaced uid ${this.peerUid}`,
        );
      }
    }
    this.peerUid = hello.uid;
    this.peerMaxFrameBytes = hello.maxFrameBytes;
    this.backoffMs = 0;
    this.gateReason = undefined;
    this.gateCause = undefined;
    if (connection === this.dialing) this.dialing = undefined;
    this.connections.add(connection);
    connection.owner = this;
    if (!this.sending) {
      this.sending = connection;
      if (this.batch) this.scheduleFlush();
    }
  }

  /** A connection of this link ended (or never got through its handshake). */
  lost(connection: Connection, reason: string, cause?: HandshakeRefused): void {
    const wasDialing = connection === this.dialing;
    if (wasDialing) this.dialing = undefined;
    if (!wasDialing && !this.connections.has(connection)) return;
    this.endAssociation(reason, cause);
  }

  /** Closes every connection of the association, fails what was in flight, and closes the gate. */
  private endAssociation(reason: string, cause?: HandshakeRefused): void {
    const connections = [...this.connections];
    const dialing = this.dialing;
    this.connections.clear();
    this.sending = undefined;
    this.dialing = undefined;
    for (const c of connections) c.close(reason);
    dialing?.close(reason);
    const limits = this.owner.limits;
    this.backoffMs =
      this.backoffMs === 0 ? limits.backoffInitialMs : Math.min(2 * this.backoffMs, limits.backoffMaxMs);
    this.gateUntil = this.owner.now() + this.backoffMs;
    this.gateReason = `${reason} (reconnecting in ${this.backoffMs} ms at the earliest)`;
    this.gateCause = cause;
    const batch = this.batch;
    this.batch = null;
    this.batchBytes = 0;
    const failure = cause ?? new Error(reason);
    if (batch) for (const envelope of batch) this.owner.listener.undeliverable(this, envelope, failure);
    this.owner.listener.linkDown(this, reason, cause);
  }

  /** Ends the association for good: the transport closes. */
  close(reason: string): void {
    this.endAssociation(reason);
    this.gateUntil = Infinity;
  }

  receive(payload: Buffer): void {
    const listener = this.owner.listener;
    let frame: unknown;
    try {
      frame = decodeDataPayload(payload);
    } catch (error) {
      listener.malformed(this, undefined, `an undecodable data frame (${(error as Error).message})`);
      return;
    }
    // A frame is dense, at least a byte per slot: a longer one is sparse, and walking its
    // length would stall this thread (50 bytes can claim 4 billion slots).
    if (!Array.isArray(frame) || frame.length % kSlots !== 0 || frame.length > payload.length) {
      listener.malformed(this, undefined, `a data frame must be an array of ${kSlots}-slot envelopes`);
      return;
    }
    for (let i = 0; i < frame.length; i += kSlots) {
      const envelope = decodeAt(frame, i);
      const problem = checkDataEnvelope(envelope);
      if (problem === undefined) listener.deliver(this, envelope as DataEnvelope);
      else listener.malformed(this, envelope, problem);
    }
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(this.flush);
  }

  private flushBatch(): void {
    this.flushQueued = false;
    const batch = this.batch;
    const connection = this.sending;
    if (!batch || !connection) return;
    this.batch = null;
    this.batchBytes = 0;
    this.writeBatch(connection, batch);
  }

  private writeBatch(connection: Connection, batch: DataEnvelope[]): void {
    const limit = Math.min(this.owner.limits.maxFrameBytes, this.peerMaxFrameBytes) + kEnvelopeOverheadBytes;
    let frame: Buffer;
    try {
      frame = encodeDataFrame(encodeBatch(batch));
    } catch (error) {
      // Something the sender's clone check let through: find it, send the rest.
      if (batch.length === 1) {
        this.owner.listener.undeliverable(this, batch[0]!, error);
        return;
      }
      for (const envelope of batch) this.writeBatch(connection, [envelope]);
      return;
    }
    if (frame.length - 4 > limit) {
      if (batch.length === 1) {
        this.owner.listener.undeliverable(this, batch[0]!, new FrameTooLargeError(frame.length - 4));
        return;
      }
      const half = batch.length >> 1;
      this.writeBatch(connection, batch.slice(0, half));
      this.writeBatch(connection, batch.slice(half));
      return;
    }
    connection.write(frame, batch.length);
  }
}
