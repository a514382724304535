// The seam between an ActorSystem and the wire. A Link is a channel to one peer
// system; MessagePorts (threads of one process), same-thread systems and TCP
// (other processes) are implementations, with ActorRef and everything above
// unchanged (Flink kept flink-rpc-core apart from its Akka/Pekko transport for
// the same reason).

import type { DataEnvelope } from './protocol.js';

export interface Link {
  /** The peer's host, e.g. `thread-3` or `10.0.0.5:6123`. */
  readonly host: string;
  /**
   * Set while the peer cannot be reached. A thread's link, once down, stays
   * down (a thread never comes back); a TCP link is down while its reconnect
   * gate is closed and comes back up after it.
   */
  readonly downReason: string | undefined;
  /** A transport failure with its own error class (a refused handshake), when that is why it is down. */
  readonly downCause?: Error | undefined;
  /**
   * Queues an envelope for the peer. Envelopes sent in one tick leave as one
   * frame. `bytes` is an upper bound of the body's serialized size, for links
   * that bound their queues in bytes.
   */
  send(envelope: DataEnvelope, bytes?: number): void;
}

export interface TransportListener {
  deliver(link: Link, envelope: DataEnvelope): void;
  /** A frame that is not a well-formed envelope. */
  malformed(link: Link, frame: unknown, reason: string): void;
  /**
   * An envelope that could not be sent after all: the peer died, it would not
   * clone, or the link refused it (cause is then an OutboundQueueFull or
   * HandshakeRefused from transport-errors.ts).
   */
  undeliverable(link: Link, envelope: DataEnvelope, cause: unknown): void;
  /** Every ask that went out on `link` is lost; `cause`, if given, is the coded reason. */
  linkDown(link: Link, reason: string, cause?: Error): void;
}

/** Counters a transport adds to its system's metrics. */
export interface TransportMetrics {
  /** Frames dropped because they were not well-formed, seen below the envelope level. */
  readonly malformedFrames: number;
  /** Open connections (TCP), inbound and outbound. */
  readonly connections: number;
  /** Connections refused: TLS failures, refused handshakes, oversized frames. */
  readonly refusedConnections: number;
  /** Bytes of frames waiting for slow peers' sockets to drain. */
  readonly outboundQueuedBytes: number;
}

export interface Transport {
  /** This system's host. */
  readonly localHost: string;
  /** The protocol of this system's addresses; default `node`. */
  readonly protocol?: string;
  start(listener: TransportListener): void;
  /** The link to `host`, opened lazily; a link that is already down for unknown or dead hosts. */
  link(host: string): Link;
  /** Closes every link; the promise settles once sockets and servers are closed. */
  close(): void | Promise<void>;
  metrics?(): TransportMetrics;
}

/** The same-system link. Delivery is synchronous: the mailbox defers processing. */
export class LoopbackLink implements Link {
  readonly downReason = undefined;
  constructor(
    readonly host: string,
    private readonly listener: TransportListener,
  ) {}

  send(envelope: DataEnvelope): void {
    this.listener.deliver(this, envelope);
  }
}

/** A link to a host that is gone or was never known. */
export class DownLink implements Link {
  constructor(
    readonly host: string,
    readonly downReason: string,
  ) {}

  send(): void {}
}
