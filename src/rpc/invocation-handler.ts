// Builds a gateway: a JS Proxy whose methods turn into asks and tells to the
// endpoint, the way Flink's PekkoInvocationHandler turns JDK proxy calls into
// messages. getAddress, getHostname and getFencingToken are answered locally, and
// `then` is undefined so that a gateway is not mistaken for a promise.

import { encodeErrorArguments } from './error-arguments.js';
import type { ActorRef } from '../actor/actor-ref.js';
import { RpcInvalidStateError, RpcSerializationError } from './errors.js';
import type { GatewayDefinition, MethodKind, RpcGateway } from './gateway.js';
import { kMaxInvocationArguments, type RpcInvocation } from './rpc-messages.js';

export interface GatewayOptions {
  readonly askTimeoutMs: number;
  /** Set for fenced gateways; every invocation carries it. */
  readonly fencingToken?: string;
}

export function createGateway<G extends RpcGateway>(
  ref: ActorRef,
  definition: GatewayDefinition<G>,
  options: GatewayOptions,
): G {
  const members = new Map<string | symbol, unknown>();
  const token = options.fencingToken;
  const local: Record<string, () => unknown> = {
    getAddress: () => ref.address,
    getHostname: () => ref.host,
    getFencingToken: () => {
      if (token === undefined) {
        throw new RpcInvalidStateError(
          `Gateway ${definition.name} at ${ref.address} has no fencing token. This indicates that it was ` +
            'retrieved with connect() instead of connectFenced().',
        );
      }
      return token;
    },
    toString: () => `${definition.name}(${ref.address})`,
  };
  for (const [name, fn] of Object.entries(local)) members.set(name, fn);

  return new Proxy({} as G, {
    get(_target, property) {
      const member = members.get(property);
      if (member !== undefined || typeof property !== 'string') return member;
      const kind = definition.methods[property];
      if (kind === undefined) return undefined;
      const invoker = makeInvoker(
        ref,
        `${definition.name}.${property}`,
        property,
        kind,
        options.askTimeoutMs,
        token,
      );
      members.set(property, invoker);
      return invoker;
    },
    has(_target, property) {
      return members.has(property) || (typeof property === 'string' && property in definition.methods);
    },
    set() {
      throw new TypeError(`Gateway ${definition.name} is read-only.`);
    },
  });
}

function makeInvoker(
  ref: ActorRef,
  label: string,
  method: string,
  kind: MethodKind,
  defaultTimeoutMs: number,
  token: string | undefined,
): (...args: unknown[]) => unknown {
  const system = ref.system;
  if (kind === 'tell') {
    return (...args: unknown[]) => {
      // As a clone failure does: a tell that cannot go out throws here, where it was made.
      system.tell(ref, invocationOf(label, method, token, args), label);
      return undefined;
    };
  }
  const timeoutArg = kind === 'ask' ? -1 : kind.timeoutArg;
  return (...args: unknown[]) => {
    let timeoutMs = defaultTimeoutMs;
    if (timeoutArg >= 0) {
      timeoutMs = args[timeoutArg] as number;
      if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
        return Promise.reject(
          new TypeError(
            `${label}: argument ${timeoutArg} is the timeout and must be a positive number of ms.`,
          ),
        );
      }
    }
    let invocation: RpcInvocation;
    try {
      invocation = invocationOf(label, method, token, args);
    } catch (error) {
      return Promise.reject(error);
    }
    return system.ask(ref, invocation, timeoutMs, label);
  };
}

/** The invocation of one call: its error arguments encoded, its length checked. */
function invocationOf(
  label: string,
  method: string,
  token: string | undefined,
  args: unknown[],
): RpcInvocation {
  if (args.length > kMaxInvocationArguments) throw tooManyArguments(label, args.length);
  encodeErrorArguments(args);
  return [method, token, ...args];
}

/** The receiver refuses longer invocations (see rpc-messages.ts), so the caller hears it at once. */
function tooManyArguments(label: string, count: number): RpcSerializationError {
  return new RpcSerializationError(
    `Could not send [${label}]: it has ${count} arguments, and a remote call carries at most ${kMaxInvocationArguments}.`,
  );
}
