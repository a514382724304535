// Gateways: the typed interface of an endpoint, and its runtime description.
// Flink reads an interface's methods by reflection; TypeScript types vanish at
// run time, so `defineGateway` states each method's kind, and the compiler checks
// that the description and the interface agree (see test/rpc/gateway-types.test.ts).

export interface RpcGateway {
  /** The endpoint's address, answered locally. */
  getAddress(): string;
  /** The host part of the address (the thread), answered locally. */
  getHostname(): string;
}

export interface FencedRpcGateway<F extends string = string> extends RpcGateway {
  /** The token every call through this gateway carries, answered locally. */
  getFencingToken(): F;
}

/**
 * How a method travels: `'tell'` (returns void, no reply), `'ask'` (returns a
 * Promise, default timeout), or an ask whose argument `timeoutArg` is the timeout
 * in ms, like Flink's `@RpcTimeout`.
 */
export type MethodKind = 'ask' | 'tell' | { readonly timeoutArg: number };

type LocalMethodName = keyof FencedRpcGateway;

type NumberIndex<A extends readonly unknown[]> = {
  [K in keyof A]: A[K] extends number ? (K extends `${infer N extends number}` ? N : never) : never;
}[number];

/** The kinds a method of this signature may be declared as. */
export type MethodKindFor<F> = F extends (...args: infer A) => infer R
  ? [R] extends [Promise<unknown>]
    ? 'ask' | { readonly timeoutArg: NumberIndex<A> }
    : [R] extends [void]
      ? 'tell'
      : never
  : never;

/** One entry per remote method of T: every method must be declared, and only those. */
export type GatewayMethods<T> = {
  readonly [K in Exclude<keyof T, LocalMethodName>]-?: MethodKindFor<T[K]>;
};

export interface GatewayDefinition<T extends RpcGateway = RpcGateway> {
  readonly name: string;
  readonly methods: Readonly<Record<string, MethodKind>>;
  /** Carries T for inference only; never set. */
  readonly __gateway?: T;
}

export function defineGateway<T extends RpcGateway>(
  name: string,
  methods: GatewayMethods<T>,
): GatewayDefinition<T> {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('A gateway needs a name.');
  const checked: Record<string, MethodKind> = {};
  for (const [method, kind] of Object.entries(methods as Record<string, MethodKind>)) {
    if (kind === 'ask' || kind === 'tell') {
      checked[method] = kind;
    } else if (
      typeof kind === 'object' &&
      kind !== null &&
      Number.isInteger(kind.timeoutArg) &&
      kind.timeoutArg >= 0
    ) {
      checked[method] = { timeoutArg: kind.timeoutArg };
    } else {
      throw new TypeError(`Gateway ${name}: method ${method} has an invalid kind ${JSON.stringify(kind)}.`);
    }
  }
  return Object.freeze({ name, methods: Object.freeze(checked) });
}
