// An error as plain data, so it can ride inside a message (a TaskExecutionState)
// and come back with its class, code, cause and stack. Mirrors Flink's
// SerializedThrowable. Top-level Error arguments of an RPC are encoded by the
// rpc layer; errors nested in data need this.

import { decodeError, encodeError, type SerializedError } from '../../actor/error-codec.js';

export type SerializedThrowable = SerializedError;

export const SerializedThrowable = {
  of(error: unknown): SerializedThrowable {
    return encodeError(error);
  },
  /** The error again: its registered class if this thread knows it, else an Error with its name. */
  deserialize(serialized: SerializedThrowable, remoteLabel?: string): Error {
    return decodeError(serialized, remoteLabel);
  },
};
