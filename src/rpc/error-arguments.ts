// Error arguments of RPC calls, such as the `cause` of Flink's
// disconnectTaskManager(resourceId, cause). A structured clone turns every
// error into a plain Error and drops its `code`; encoding it with the error
// codec keeps class, code, cause and stack, as for errors that come back as
// replies. Only arguments that are errors pay for this.

import { decodeError, encodeError, type SerializedError } from '../actor/error-codec.js';

const kErrorKey = '\u0000threadlink.error';

type EncodedError = { readonly [kErrorKey]: SerializedError };

/** Replaces each Error in `args` (a fresh rest array) with its encoding. */
export function encodeErrorArguments(args: unknown[]): unknown[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg instanceof Error) args[i] = { [kErrorKey]: encodeError(arg) } satisfies EncodedError;
  }
  return args;
}

/** Turns encoded errors in `args`, from index `from` on, back into errors of their registered class. */
export function decodeErrorArguments(args: unknown[], remoteLabel: string, from = 0): unknown[] {
  for (let i = from; i < args.length; i++) {
    const arg = args[i];
    if (arg !== null && typeof arg === 'object' && kErrorKey in arg) {
      args[i] = decodeError((arg as EncodedError)[kErrorKey], remoteLabel);
    }
  }
  return args;
}
