// The connection handshake: each side sends a Hello with the protocol version,
// its Node major (v8's wire format changes with it), its system name, its host
// and a random uid that names this incarnation of the system. Mirrors Pekko
// Artery's HandshakeReq/HandshakeRsp with each side's UniqueAddress.

import { HandshakeRefused } from '../transport-errors.js';

/** Bumped whenever the framing or the handshake changes. */
export const kTcpProtocolVersion = 1;
export const kNodeMajor = Number(process.versions.node.split('.')[0]);

export interface Hello {
  readonly protocol: 'threadlink';
  readonly version: number;
  readonly node: number;
  readonly system: string;
  /** The sender's advertised host, `ip:port`, where it accepts connections. */
  readonly host: string;
  /** Random per incarnation: a restarted system on the same host has another. */
  readonly uid: string;
  /** The largest message the sender accepts, so the other side never sends a frame it refuses. */
  readonly maxFrameBytes: number;
}

export interface RefuseFrame {
  readonly refusal: string;
  readonly message: string;
}

const kHostPattern = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** True for a host of the form `ip:port` or `name:port` (and `[v6]:port`). */
export function isTcpHost(host: string): boolean {
  const match = kHostPattern.exec(host);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
}

export function splitHost(host: string): { hostname: string; port: number } {
  const match = kHostPattern.exec(host);
  if (!match) throw new TypeError(`Not a TCP host: ${host}`);
  const name = match[1]!;
  return { hostname: name.startsWith('[') ? name.slice(1, -1) : name, port: Number(match[2]) };
}

export function parseHello(payload: Buffer): Hello | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const h = value as Partial<Hello> | null;
  if (
    typeof h !== 'object' ||
    h === null ||
    h.protocol !== 'threadlink' ||
    !Number.isSafeInteger(h.version) ||
    !Number.isSafeInteger(h.node) ||
    typeof h.system !== 'string' ||
    typeof h.host !== 'string' ||
    !isTcpHost(h.host) ||
    typeof h.uid !== 'string' ||
    h.uid.length === 0 ||
    h.uid.length > 64 ||
    !(Number.isSafeInteger(h.maxFrameBytes) && (h.maxFrameBytes as number) > 0)
  ) {
    return undefined;
  }
  return h as Hello;
}

export function parseRefuse(payload: Buffer): RefuseFrame {
  try {
    const value = JSON.parse(payload.toString('utf8')) as Partial<RefuseFrame> | null;
    if (value && typeof value.refusal === 'string' && typeof value.message === 'string') {
      return { refusal: value.refusal, message: value.message };
    }
  } catch {
    // fall through
  }
  return { refusal: 'MALFORMED_HELLO', message: 'The peer refused the handshake without a readable reason.' };
}

/** Why `remote` may not talk to `local`, or undefined if it may. Both sides check. */
export function checkHello(local: Hello, remote: Hello): HandshakeRefused | undefined {
  if (remote.version !== local.version) {
    return new HandshakeRefused(
      'PROTOCOL_VERSION_MISMATCH',
      `Protocol version mismatch between ${remote.host} (${remote.version}) and ${local.host} ` +
        `(${local.version}). Please verify that all components run the same threadlink version.`,
    );
  }
  if (remote.node !== local.node) {
    return new HandshakeRefused(
      'NODE_MAJOR_MISMATCH',
      `Node.js major version mismatch between ${remote.host} (Node ${remote.node}) and ${local.host} ` +
        `(Node ${local.node}): messages are v8-serialized, whose format depends on it. Run every process ` +
        'of the cluster on the same Node.js major version.',
    );
  }
  if (remote.system !== local.system) {
    return new HandshakeRefused(
      'SYSTEM_NAME_MISMATCH',
      `Actor system name mismatch: ${remote.host} runs "${remote.system}", ${local.host} runs ` +
        `"${local.system}". Systems talk over TCP only within one system name (Flink's is "flink").`,
    );
  }
  return undefined;
}
