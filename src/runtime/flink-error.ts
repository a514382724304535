// Base class for the runtime layer's errors, mirroring Flink's FlinkException.
// Each subclass has a stable `code`. As in src/rpc/errors.ts, `instanceof` is keyed
// on Symbol.for(...) so it holds across copies of this module and after an error
// has crossed a thread (the codec rebuilds registered classes by name).

import { hasBrandedInstance } from '../actor/branded-error.js';
import { registerErrorClasses } from '../actor/error-codec.js';

const kFlinkError = Symbol.for('threadlink.error.FlinkError');

export class FlinkError extends Error {
  static readonly code: string = 'ERR_FLINK';
  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as typeof FlinkError).code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrandedInstance(this, FlinkError, kFlinkError, value);
  }
}
Object.defineProperty(FlinkError.prototype, kFlinkError, { value: true });
registerErrorClasses(FlinkError);

/** The stable `code` of an error (also one decoded from another thread or process), or undefined. */
export function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** An error's message for another message, with its cause's; anything else as a string. */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}
