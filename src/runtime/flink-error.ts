// Base class for the runtime layer's errors, mirroring Flink's FlinkException.
// Each subclass has a stable `code`. As in src/rpc/errors.ts, `instanceof` is keyed
// on Symbol.for(...) so it holds across copies of this module and after an error
// has crossed a thread (the codec rebuilds registered classes by name).

import { registerErrorClass } from '../actor/error-codec.js';

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
    if (typeof value !== 'object' || value === null || !(kFlinkError in value)) return false;
    if (this === FlinkError) return true;
    // Same module: the prototype chain; another copy of it: the class name along the chain.
    for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      if (proto === this.prototype || proto.constructor?.name === this.name) return true;
    }
    return false;
  }
}
Object.defineProperty(FlinkError.prototype, kFlinkError, { value: true });
registerErrorClass(FlinkError);
