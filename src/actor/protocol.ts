// The wire protocol between actor systems, in one place (as comlink's
// protocol.ts). A frame on a port is one envelope or an array of envelopes (a
// micro-batch); TCP frames carry the same batches (tcp/frame-codec.ts). Data
// envelopes carry actor messages; link envelopes let a broker (the system that
// spawned the workers) make direct channels between threads and report dead peers.

import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from './error-codec.js';

export const Kind = {
  Tell: 0,
  Ask: 1,
  Reply: 2,
  Failure: 3,
  /** worker -> main: please give me a direct channel to `peer`. */
  ConnectRequest: 10,
  /** main -> worker: here is your end of a channel to `peer`. */
  PeerPort: 11,
  /** main -> worker: `peer` has exited or never existed. */
  PeerDown: 12,
  /** worker -> main, its first message: the worker's host. */
  WorkerHello: 13,
  /** main -> worker: `peer` is a thread of this process (so ask main for a channel, never dial TCP). */
  HostUp: 14,
} as const;

export interface TellEnvelope {
  readonly k: typeof Kind.Tell;
  readonly to: string;
  readonly body: unknown;
}

export interface AskEnvelope {
  readonly k: typeof Kind.Ask;
  readonly to: string;
  readonly id: number;
  readonly body: unknown;
  /** Same-thread ask passed by reference: the reply is passed by reference too. */
  readonly byRef?: true;
}

export interface ReplyEnvelope {
  readonly k: typeof Kind.Reply;
  readonly id: number;
  readonly body: unknown;
}

export interface FailureEnvelope {
  readonly k: typeof Kind.Failure;
  readonly id: number;
  readonly error: SerializedError;
}

export type DataEnvelope = TellEnvelope | AskEnvelope | ReplyEnvelope | FailureEnvelope;

export interface ConnectRequest {
  readonly k: typeof Kind.ConnectRequest;
  readonly peer: string;
}

export interface PeerPort {
  readonly k: typeof Kind.PeerPort;
  readonly peer: string;
  readonly port: MessagePort;
}

export interface PeerDown {
  readonly k: typeof Kind.PeerDown;
  readonly peer: string;
  readonly reason: string;
}

export interface WorkerHello {
  readonly k: typeof Kind.WorkerHello;
  readonly host: string;
}

export interface HostUp {
  readonly k: typeof Kind.HostUp;
  readonly peer: string;
}

export type LinkEnvelope = ConnectRequest | PeerPort | PeerDown | WorkerHello | HostUp;

/** Why a frame was refused, or undefined if it is a well-formed data envelope. */
export function checkDataEnvelope(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const env = value as Record<string, unknown>;
  switch (env.k) {
    case Kind.Tell:
      return typeof env.to === 'string' ? undefined : 'tell without a string "to"';
    case Kind.Ask:
      if (typeof env.to !== 'string') return 'ask without a string "to"';
      return Number.isSafeInteger(env.id) ? undefined : 'ask without an integer "id"';
    case Kind.Reply:
      return Number.isSafeInteger(env.id) ? undefined : 'reply without an integer "id"';
    case Kind.Failure:
      if (!Number.isSafeInteger(env.id)) return 'failure without an integer "id"';
      return typeof env.error === 'object' && env.error !== null ? undefined : 'failure without an error';
    default:
      return `unknown kind ${String(env.k)}`;
  }
}
