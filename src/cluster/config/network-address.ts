// Host names and HOST:PORT pairs as the command line and config files give them
// (`--jobmanager 10.0.0.5:6123`, `[::1]:6123`, `jobmanager.rpc.address`). Flink
// reads them with NetUtils.getCorrectHostnamePort; a typo here is a usage error,
// not a connection that times out later.

import { isIP } from 'node:net';

/** Where a process listens or is dialed. An IPv6 host is kept without brackets. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

// RFC 1123 labels, plus '_', which Docker and some DHCP setups put in host names.
const kHostName =
  /^(?=.{1,253}\.?$)[a-z\d_](?:[a-z\d_-]{0,61}[a-z\d_])?(?:\.[a-z\d_](?:[a-z\d_-]{0,61}[a-z\d_])?)*\.?$/i;

/** The host as it should be dialed or bound: an IP address or a host name; `[v6]` loses its brackets. */
export function parseHost(text: string): string {
  const bracketed = /^\[(.*)\]$/.exec(text);
  if (bracketed) {
    if (isIP(bracketed[1]!) === 6) return bracketed[1]!;
    throw new TypeError(`'${text}' is not an IPv6 address in brackets`);
  }
  if (isIP(text) !== 0 || kHostName.test(text)) return text;
  throw new TypeError(`'${text}' is not a host name or IP address`);
}

/**
 * A port to dial or listen on. `min` is 1 for a port that is dialed and 0 for
 * one that is listened on (0: the system picks one, or a service is off).
 */
export function parsePort(text: string, min: 0 | 1): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= min && port <= 65535)) {
    throw new TypeError(`the port must be a whole number from ${min} to 65535, got '${text}'`);
  }
  return port;
}

/** `host:port`, `[v6]:port`; the port is required, since a guessed one would fail far from here. */
export function parseHostPort(text: string): HostPort {
  const bracketed = /^(\[[^\]]*\]):([^:]*)$/.exec(text);
  if (bracketed) return { host: parseHost(bracketed[1]!), port: parsePort(bracketed[2]!, 1) };
  const colons = text.split(':').length - 1;
  if (colons > 1) {
    throw new TypeError(
      `expected HOST:PORT with an IPv6 host in brackets, as in '[::1]:6123', got '${text}'`,
    );
  }
  if (colons === 0) throw new TypeError(`expected HOST:PORT, got '${text}'`);
  const [host, port] = text.split(':') as [string, string];
  if (host === '') throw new TypeError(`expected HOST:PORT, got '${text}'`);
  return { host: parseHost(host), port: parsePort(port, 1) };
}

/** The inverse of parseHostPort: brackets around an IPv6 host. */
export function formatHostPort({ host, port }: HostPort): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
