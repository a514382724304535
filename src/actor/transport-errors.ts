// Why a link refused an envelope, as the transport tells its ActorSystem. The
// system turns them into the error classes its AskFailures factory chooses, so
// the actor layer never imports the rpc layer.

/** The outbound queue to a peer is full (Pekko Artery's outbound-message-queue-size). */
export class OutboundQueueFull extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundQueueFull';
  }
}

/** Why a connection handshake was refused; stable values, shown in the error's `refusal`. */
export type Refusal =
  | 'PROTOCOL_VERSION_MISMATCH'
  | 'NODE_MAJOR_MISMATCH'
  | 'SYSTEM_NAME_MISMATCH'
  | 'QUARANTINED'
  | 'MALFORMED_HELLO';

/** The peer, or this side, refused the connection handshake. */
export class HandshakeRefused extends Error {
  constructor(
    readonly refusal: Refusal,
    message: string,
  ) {
    super(message);
    this.name = 'HandshakeRefused';
  }
}
