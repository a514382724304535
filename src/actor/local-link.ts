// The link between two actor systems on the same thread (several RpcServices
// per thread). Delivery is synchronous, as on the loopback link, but every
// message is cloned, so that a same-thread peer sees what a remote one would.

import { Kind, type DataEnvelope } from './protocol.js';
import type { Link, TransportListener } from './transport.js';

export class LocalLink implements Link {
  downReason: string | undefined;
  /** The peer's link back to this system: what the peer sees messages arrive on. */
  private peer!: LocalLink;

  private constructor(
    readonly host: string,
    private readonly listener: TransportListener,
  ) {}

  /** Links `a` (host aHost) and `b` (host bHost) both ways; returns [a's link to b, b's link to a]. */
  static pair(
    aHost: string,
    aListener: TransportListener,
    bHost: string,
    bListener: TransportListener,
  ): [LocalLink, LocalLink] {
    const aToB = new LocalLink(bHost, aListener);
    const bToA = new LocalLink(aHost, bListener);
    aToB.peer = bToA;
    bToA.peer = aToB;
    return [aToB, bToA];
  }

  send(envelope: DataEnvelope): void {
    if (this.downReason !== undefined) {
      this.listener.undeliverable(this, envelope, new Error(this.downReason));
      return;
    }
    let copy: DataEnvelope;
    try {
      copy = envelope.k === Kind.Failure ? envelope : { ...envelope, body: structuredClone(envelope.body) };
    } catch (error) {
      this.listener.undeliverable(this, envelope, error);
      return;
    }
    this.peer.listener.deliver(this.peer, copy);
  }

  markDown(reason: string): void {
    if (this.downReason !== undefined) return;
    this.downReason = reason;
    this.listener.linkDown(this, reason);
  }
}
