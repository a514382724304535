// Actor addresses: `node://flink@thread-3/user/rpc/taskmanager_0` names the
// protocol, the actor system, the host (the thread that runs the system) and the
// path. Mirrors Pekko's ActorPath as Flink uses it (PekkoRpcServiceUtils); a TCP
// transport will add `node+tcp://flink@10.0.0.5:6123/...` without changing callers.

export const kLocalProtocol = 'node';
/** The protocol of addresses reached over TCP. */
export const kTcpProtocol = 'node+tcp';

export interface ActorAddress {
  readonly protocol: string;
  readonly system: string;
  /** `thread-<threadId>` for the worker-thread transport, `host:port` for TCP. */
  readonly host: string;
  /** Starts with `/`, e.g. `/user/rpc/taskmanager_0`. */
  readonly path: string;
}

export class AddressParseError extends Error {
  readonly code = 'ERR_ACTOR_ADDRESS';
  constructor(address: string, reason: string) {
    super(`Invalid actor address "${address}": ${reason}.`);
    this.name = 'AddressParseError';
  }
}

const kPattern =
  /^([a-z][a-z0-9+.-]*):\/\/([A-Za-z0-9_-]+)@(\[[0-9A-Fa-f:.]+\](?::\d+)?|[^/@\s[\]]+)(\/[^\s]*)$/;

export function parseAddress(address: string): ActorAddress {
  if (typeof address !== 'string') throw new AddressParseError(String(address), 'not a string');
  const match = kPattern.exec(address);
  if (!match) throw new AddressParseError(address, 'expected protocol://system@host/path');
  const [, protocol, system, host, path] = match as unknown as [string, string, string, string, string];
  if (path.includes('//')) throw new AddressParseError(address, 'empty path segment');
  const port = /:(\d+)$/.exec(host);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) {
    throw new AddressParseError(address, 'port must be in [1, 65535]');
  }
  return { protocol, system, host, path };
}

export function formatAddress(a: ActorAddress): string {
  return `${a.protocol}://${a.system}@${a.host}${a.path}`;
}

export function threadHost(threadId: number): string {
  return `thread-${threadId}`;
}

/** The thread id of a `thread-N` host, or undefined for other hosts. */
export function threadIdOf(host: string): number | undefined {
  const match = /^thread-(\d+)$/.exec(host);
  return match ? Number(match[1]) : undefined;
}
