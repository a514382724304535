// The messages an RpcActor understands, in one place. Invocations and handshakes
// cross threads as plain data. Control messages and main-thread runnables are
// local only: they are class instances passed by reference, which a frame from
// another thread can never be, so remote code cannot forge them. Mirrors Flink's
// RpcInvocation, RemoteHandshakeMessage, RunAsync, CallAsync and ControlMessages.

/** Bumped when the invocation format changes; checked by the handshake. */
export const kRpcVersion = 1;

export interface RpcInvocation {
  /** Method name. */
  readonly m: string;
  /** Arguments. */
  readonly a: readonly unknown[];
  /** Fencing token, for fenced gateways. */
  readonly t?: string;
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
