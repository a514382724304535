// Carries errors across threads with their class, code, cause and remote stack.
// Structured clone alone turns every error into a plain Error and drops `code`
// (see reference/node-ecosystem.md §4), so envelopes carry this encoding instead.

/** The wire form of an error. Plain data, so it clones cheaply. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
  readonly cause: SerializedError | undefined;
  /** Other own enumerable fields of the error, when they clone. */
  readonly props: Record<string, unknown> | undefined;
}

type ErrorClass = abstract new (...args: never[]) => Error;

const registry = new Map<string, ErrorClass>();

/**
 * Makes error classes rebuildable on the receiving side, by their names. An
 * error module calls this once, for every class it declares. Register the same
 * classes in every thread that may receive them; an unregistered class arrives
 * as a plain Error that keeps the name, code and fields.
 */
export function registerErrorClasses(...classes: ErrorClass[]): void {
  for (const ctor of classes) registry.set(ctor.name, ctor);
}

registerErrorClasses(Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError);

const kBaseKeys = new Set(['name', 'message', 'stack', 'code', 'cause']);

export function encodeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return {
      name: 'Error',
      message: typeof error === 'string' ? error : `Non-error value thrown: ${describeValue(error)}`,
      stack: undefined,
      code: undefined,
      cause: undefined,
      props: undefined,
    };
  }
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (kBaseKeys.has(key)) continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (isPlainCloneable(value)) (props ??= {})[key] = value;
  }
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    code: typeof code === 'string' ? code : undefined,
    cause: cause !== undefined && depth < 8 ? encodeError(cause, depth + 1) : undefined,
    props,
  };
}

export function decodeError(wire: SerializedError, remoteLabel?: string): Error {
  const ctor = registry.get(wire.name) ?? Error;
  const error = Object.create(ctor.prototype) as Error & Record<string, unknown>;
  define(error, 'message', wire.message);
  if (error.name !== wire.name) define(error, 'name', wire.name);
  const remoteStack = wire.stack ?? `${wire.name}: ${wire.message}`;
  define(error, 'stack', remoteLabel ? `${remoteStack}\n    at <remote ${remoteLabel}>` : remoteStack);
  if (wire.code !== undefined) error.code = wire.code;
  if (wire.cause !== undefined) define(error, 'cause', decodeError(wire.cause));
  if (wire.props) Object.assign(error, wire.props);
  return error;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

function isPlainCloneable(value: unknown): boolean {
  const t = typeof value;
  if (t === 'function' || t === 'symbol') return false;
  if (t !== 'object' || value === null) return true;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
