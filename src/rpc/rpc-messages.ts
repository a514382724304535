// The messages an RpcActor understands, in one place. Invocations and handshakes
// cross threads as plain data. Control messages and main-thread runnables are
// local only: they are class instances passed by reference, which a frame from
// another thread can never be, so remote code cannot forge them. Mirrors Flink's
// RpcInvocation, RemoteHandshakeMessage, RunAsync, CallAsync and ControlMessages.

/** Bumped when the invocation format changes; checked by the handshake. 2: invocations are flat arrays. */
export const kRpcVersion = 2;

/**
 * The method name, the fencing token (undefined for an unfenced gateway), then
 * the arguments, in one flat array. Structured clone writes an object's property
 * names with every message and rebuilds it property by property, and every
 * nested array costs as much again: in a full batch of tells, `{ m, a: [1] }`
 * took 0.76 µs per envelope to post and receive, `[m, [1]]` 0.57, `[m, t, 1]` 0.42.
 */
export type RpcInvocation = [method: string, token: string | undefined, ...args: unknown[]];

/** The most arguments an invocation may carry; a longer array may be sparse, and too long to walk. */
export const kMaxInvocationArguments = 255;

/** An RpcInvocation's shape, checked before anything is read from one that came from another thread. */
export function isInvocation(message: unknown): message is RpcInvocation {
  return (
    Array.isArray(message) &&
    message.length >= 2 &&
    message.length <= 2 + kMaxInvocationArguments &&
    typeof message[0] === 'string' &&
    (message[1] === undefined || typeof message[1] === 'string')
  );
}

export interface RemoteHandshake {
  /** The gateway name the caller wants to use. */
  readonly hs: string;
  readonly v: number;
}

export function isHandshake(message: unknown): message is RemoteHandshake {
  return typeof (message as RemoteHandshake | null)?.hs === 'string';
}

export type ControlKind = 'start' | 'stop' | 'terminate';

export class ControlMessage {
  constructor(readonly kind: ControlKind) {}
}

export const kStart = new ControlMessage('start');
export const kStop = new ControlMessage('stop');
export const kTerminate = new ControlMessage('terminate');

export class RunAsync {
  constructor(readonly run: () => void) {}
}

export class CallAsync {
  constructor(readonly call: () => unknown) {}
}
