// The failures the actor layer itself detects: a timed-out ask, an unreachable
// recipient, an argument that cannot be cloned, a frame over the size limit, a
// full outbound queue, a refused connection handshake.
// The layer above chooses the error classes through an AskFailures factory, so
// that the actor layer never imports the rpc layer (Flink maps Pekko's
// AskTimeoutException the same way in PekkoInvocationHandler).

import { registerErrorClasses } from './error-codec.js';

/** What the actor layer knows about a failed message, for error messages. */
export interface MessageInfo {
  /** Address of the recipient. */
  readonly recipient: string;
  /** A short description of the message, e.g. `TaskExecutorGateway.requestSlot`. */
  readonly label: string;
}

export interface AskFailures {
  timeout(info: MessageInfo, timeoutMs: number): Error;
  unreachable(info: MessageInfo, reason: string): Error;
  serialization(info: MessageInfo, cause: unknown): Error;
  frameSize(info: MessageInfo, bytes: number, maxBytes: number): Error;
  /** A frame or message the receiver cannot handle. */
  unknownMessage(reason: string): Error;
  /** The outbound queue to the recipient's host is full (backpressure). */
  queueFull(info: MessageInfo, detail: string): Error;
  /** The connection handshake with the recipient's host was refused; `refusal` is a Refusal. */
  handshakeRefused(info: MessageInfo, refusal: string, detail: string): Error;
}

class ActorFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ActorFailure';
  }
}

/** Plain errors with codes, for an ActorSystem used without the rpc layer. */
export const kDefaultAskFailures: AskFailures = {
  timeout: (info, ms) =>
    new ActorFailure(
      'ERR_ACTOR_ASK_TIMEOUT',
      `Ask [${info.label}] to [${info.recipient}] timed out after ${ms} ms.`,
    ),
  unreachable: (info, reason) =>
    new ActorFailure(
      'ERR_ACTOR_UNREACHABLE',
      `Recipient [${info.recipient}] of [${info.label}] is unreachable: ${reason}`,
    ),
  serialization: (info, cause) =>
    new ActorFailure(
      'ERR_ACTOR_SERIALIZATION',
      `Could not serialize [${info.label}] for [${info.recipient}].`,
      {
        cause,
      },
    ),
  frameSize: (info, bytes, max) =>
    new ActorFailure(
      'ERR_ACTOR_FRAME_SIZE',
      `Message [${info.label}] to [${info.recipient}] is ${bytes} bytes, over the frame limit of ${max} bytes.`,
    ),
  unknownMessage: (reason) => new ActorFailure('ERR_ACTOR_UNKNOWN_MESSAGE', reason),
  queueFull: (info, detail) =>
    new ActorFailure(
      'ERR_ACTOR_QUEUE_FULL',
      `Message [${info.label}] to [${info.recipient}] refused: ${detail}`,
    ),
  handshakeRefused: (info, refusal, detail) =>
    new ActorFailure(
      'ERR_ACTOR_HANDSHAKE_REFUSED',
      `Message [${info.label}] to [${info.recipient}] failed: the connection handshake was refused ` +
        `(${refusal}): ${detail}`,
    ),
};

/** No live actor matches a selection. Pekko's ActorNotFound. */
export class ActorNotFoundError extends Error {
  readonly code = 'ERR_ACTOR_NOT_FOUND';
  constructor(message: string) {
    super(message);
    this.name = 'ActorNotFoundError';
  }
}
registerErrorClasses(ActorNotFoundError);
