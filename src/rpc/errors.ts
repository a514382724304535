// RPC error classes, each with a stable `code`, mirroring Flink's RpcException
// family (flink-rpc-core .../rpc/exceptions). As in undici, `instanceof` is keyed
// on Symbol.for(...) so it holds across copies of this module; the error codec
// rebuilds the same class when an error crosses a thread.

import { hasBrandedInstance } from '../actor/branded-error.js';
import { registerErrorClasses } from '../actor/error-codec.js';
import type { AskFailures, MessageInfo } from '../actor/errors.js';

const kRpcError = Symbol.for('threadlink.error.RpcError');

export class RpcError extends Error {
  static readonly code: string = 'ERR_RPC';
  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as typeof RpcError).code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrandedInstance(this, RpcError, kRpcError, value);
  }
}
Object.defineProperty(RpcError.prototype, kRpcError, { value: true });

export class RpcConnectionError extends RpcError {
  static override readonly code: string = 'ERR_RPC_CONNECTION';
}
export class HandshakeError extends RpcConnectionError {
  static override readonly code: string = 'ERR_HANDSHAKE';
}
export class FencingTokenError extends RpcError {
  static override readonly code: string = 'ERR_FENCING_TOKEN';
}
export class EndpointNotStartedError extends RpcError {
  static override readonly code: string = 'ERR_ENDPOINT_NOT_STARTED';
}
export class RecipientUnreachableError extends RpcError {
  static override readonly code: string = 'ERR_RECIPIENT_UNREACHABLE';
}
export class RpcTimeoutError extends RpcError {
  static override readonly code: string = 'ERR_RPC_TIMEOUT';
}
export class UnknownMessageError extends RpcError {
  static override readonly code: string = 'ERR_UNKNOWN_MESSAGE';
}
export class RpcInvalidStateError extends RpcError {
  static override readonly code: string = 'ERR_RPC_INVALID_STATE';
}
export class RpcSerializationError extends RpcError {
  static override readonly code: string = 'ERR_RPC_SERIALIZATION';
}
export class RpcFrameSizeError extends RpcError {
  static override readonly code: string = 'ERR_RPC_FRAME_SIZE';
}
/** The outbound queue to a peer is full: it reads slower than this side writes (backpressure). */
export class OutboundQueueFullError extends RpcError {
  static override readonly code: string = 'ERR_RPC_OUTBOUND_QUEUE_FULL';
}
/**
 * A TCP peer refused the connection handshake, or this side refused the peer's:
 * another protocol version, Node major or system name, or a quarantined
 * incarnation. `refusal` says which.
 */
export class RemoteHandshakeError extends RpcConnectionError {
  static override readonly code: string = 'ERR_RPC_REMOTE_HANDSHAKE';
  refusal: string | undefined;
  constructor(message: string, options?: ErrorOptions & { refusal?: string }) {
    super(message, options);
    this.refusal = options?.refusal;
  }
}
/** The configuration of the TCP transport is invalid (Flink's IllegalConfigurationException). */
export class RpcConfigurationError extends RpcError {
  static override readonly code: string = 'ERR_RPC_CONFIGURATION';
}

registerErrorClasses(
  RpcError,
  RpcConnectionError,
  HandshakeError,
  FencingTokenError,
  EndpointNotStartedError,
  RecipientUnreachableError,
  RpcTimeoutError,
  UnknownMessageError,
  RpcInvalidStateError,
  RpcSerializationError,
  RpcFrameSizeError,
  OutboundQueueFullError,
  RemoteHandshakeError,
  RpcConfigurationError,
);

/** The rpc layer's classes for failures that the actor layer detects. */
export const kRpcAskFailures: AskFailures = {
  timeout: (info: MessageInfo, ms: number) =>
    new RpcTimeoutError(
      `Invocation of [${info.label}] at recipient [${info.recipient}] timed out after ${ms} ms. ` +
        'The recipient needs more time to respond, or is blocked; pass a longer timeout or raise askTimeoutMs.',
    ),
  unreachable: (info: MessageInfo, reason: string) =>
    new RecipientUnreachableError(
      `Could not send message [${info.label}] to recipient [${info.recipient}], because the recipient is ` +
        `unreachable: ${reason}`,
    ),
  serialization: (info: MessageInfo, cause: unknown) =>
    new RpcSerializationError(
      `Could not serialize the arguments of [${info.label}] for [${info.recipient}]: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Arguments of remote calls must be structured-cloneable.`,
      { cause },
    ),
  frameSize: (info: MessageInfo, bytes: number, max: number) =>
    new RpcFrameSizeError(
      `The rpc invocation [${info.label}] to [${info.recipient}] is ${bytes} bytes, which exceeds the maximum ` +
        `frame size of ${max} bytes (maxFrameBytes).`,
    ),
  unknownMessage: (reason: string) => new UnknownMessageError(reason),
  queueFull: (info: MessageInfo, detail: string) =>
    new OutboundQueueFullError(
      `Could not send [${info.label}] to [${info.recipient}]: ${detail} The peer reads slower than this ` +
        'side sends; retry later, or raise remote.outboundQueueSize.',
    ),
  handshakeRefused: (info: MessageInfo, refusal: string, detail: string) =>
    new RemoteHandshakeError(
      `Could not send [${info.label}] to [${info.recipient}]: the connection handshake was refused ` +
        `(${refusal}). ${detail}`,
      { refusal },
    ),
};
