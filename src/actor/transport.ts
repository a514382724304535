// The seam between an ActorSystem and the wire. A Link is a channel to one peer
// system; the MessagePort transport is one implementation, and a TCP transport
// can be another, with ActorRef and everything above unchanged (Flink kept
// flink-rpc-core apart from its Akka/Pekko transport for the same reason).

import type { DataEnvelope } from './protocol.js';

export interface Link {
  /** The peer's host, e.g. `thread-3`. */
  readonly host: string;
  /** Set once the peer is known to be gone; a down link never comes back. */
  readonly downReason: string | undefined;
  /** Queues an envelope for the peer. Envelopes sent in one tick leave as one frame. */
  send(envelope: DataEnvelope): void;
}

export interface TransportListener {
  deliver(link: Link, envelope: DataEnvelope): void;
  /** A frame that is not a well-formed envelope. */
  malformed(link: Link, frame: unknown, reason: string): void;
  /** An envelope that could not be sent after all (the peer died, or it would not clone). */
  undeliverable(link: Link, envelope: DataEnvelope, cause: unknown): void;
  linkDown(link: Link, reason: string): void;
}

export interface Transport {
  /** This system's host. */
  readonly localHost: string;
  start(listener: TransportListener): void;
  /** The link to `host`, opened lazily; a link that is already down for unknown or dead hosts. */
  link(host: string): Link;
  close(): void;
}

/** The same-thread link. Delivery is synchronous: the mailbox defers processing. */
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
