// The options of an RpcService that talks to other processes over TCP, with
// Flink's names: security.ssl.internal.* for mutual TLS (PEM files instead of
// Flink's keystores), rpc.bind-address and rpc.port for where to listen. They
// are read and checked once, on the thread that creates the service; its
// workers get the resolved form, PEM contents included.

import { readFileSync } from 'node:fs';
import { getLogger } from '../actor/logger.js';
import { isLoopbackHost } from '../actor/tcp/loopback.js';
import type { TcpTransportOptions, TlsMaterial } from '../actor/tcp/tcp-transport.js';
import { RpcConfigurationError } from './errors.js';

const log = getLogger('rpc-service');

/** Flink's SSL keys for internal connectivity, with PEM files. */
export interface SecurityConfig {
  /** Mutual TLS between all systems of the cluster. Default false. */
  readonly 'security.ssl.internal.enabled'?: boolean | 'true' | 'false';
  /** This node's private key, a PEM file. */
  readonly 'security.ssl.internal.key'?: string;
  /** This node's certificate (and chain), a PEM file, signed by the cluster's CA. */
  readonly 'security.ssl.internal.cert'?: string;
  /** The cluster's CA certificate, a PEM file: peers must present a certificate it signed. */
  readonly 'security.ssl.internal.trust-cert'?: string;
  /** Check that a server's certificate names the host that was dialed. Default true. */
  readonly 'security.ssl.verify-hostname'?: boolean | 'true' | 'false';
}

export interface RemoteOptions {
  /** Address to listen on (Flink's rpc.bind-address). Default 127.0.0.1. */
  readonly bindHost?: string;
  /** Port to listen on (rpc.port); 0 picks a free one. Default 0. Workers always pick a free one. */
  readonly port?: number;
  /** Host that peers dial, when it differs from bindHost (jobmanager.rpc.address). */
  readonly advertisedHost?: string;
  /** Port that peers dial, when it differs from the bound one (behind NAT; Pekko's canonical.port). */
  readonly advertisedPort?: number;
  /** security.ssl.internal.* keys. */
  readonly security?: SecurityConfig;
  /** Allow plain TCP on a non-loopback address; a warning is logged. Default false. */
  readonly insecure?: boolean;
  /** Messages queued towards one peer before sends fail (Artery's outbound-message-queue-size). Default 65 536. */
  readonly outboundQueueSize?: number;
  /** Bytes of frames waiting for a slow peer's socket before sends fail. Default 64 MiB. */
  readonly outboundQueueBytes?: number;
  /** Time to connect, secure and finish the handshake (pekko.tcp.timeout). Default 20 000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** First wait before a lost peer is dialed again; it doubles up to the maximum. Default 100 ms. */
  readonly reconnectBackoffMs?: number;
  /** Longest wait before a lost peer is dialed again. Default 5 000 ms (Pekko's retry gate). */
  readonly reconnectBackoffMaxMs?: number;
  /** Clock of the reconnect gate, in ms; tests inject one. Default performance.now. */
  readonly clock?: () => number;
  /** Tests only: announce another protocol version or Node major in the handshake. */
  readonly helloOverrides?: { readonly version?: number; readonly node?: number };
}

/** RemoteOptions with defaults applied and PEM files read: plain data, sent to workers. */
export interface ResolvedRemote {
  readonly bindHost: string;
  readonly port: number;
  readonly advertisedHost: string | undefined;
  readonly advertisedPort: number | undefined;
  readonly tls: TlsMaterial | undefined;
  readonly insecure: boolean;
  readonly outboundQueueSize: number;
  readonly outboundQueueBytes: number;
  readonly handshakeTimeoutMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly helloOverrides: { readonly version?: number; readonly node?: number } | undefined;
}

export function resolveRemote(options: RemoteOptions): ResolvedRemote {
  const bindHost = options.bindHost ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RpcConfigurationError(`remote.port must be in [0, 65535], got ${String(port)}.`);
  }
  const advertisedPort = options.advertisedPort;
  if (
    advertisedPort !== undefined &&
    !(Number.isInteger(advertisedPort) && advertisedPort >= 1 && advertisedPort <= 65535)
  ) {
    throw new RpcConfigurationError(
      `remote.advertisedPort must be in [1, 65535], got ${String(advertisedPort)}.`,
    );
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RpcConfigurationError(`remote.${name} must be a positive number, got ${String(value)}.`);
    }
    return v;
  };
  const tls = readTls(options.security ?? {});
  const insecure = options.insecure ?? false;
  const advertised = options.advertisedHost ?? bindHost;
  if (!tls && !isLoopbackHost(bindHost)) {
    if (!insecure) {
      throw new RpcConfigurationError(
        `Plain TCP on ${bindHost}, which is not a loopback address, is refused. Set ` +
          "'security.ssl.internal.enabled': true with the key, cert and trust-cert PEM files " +
          '(see `threadlink-certs`), or remote.insecure: true to accept unencrypted, unauthenticated traffic.',
      );
    }
    log.warn(`remote.insecure: plain TCP on ${bindHost}; anyone who can reach it can talk to this system.`);
  }
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    if (options.advertisedHost === undefined) {
      throw new RpcConfigurationError(
        `remote.bindHost ${bindHost} listens on every interface; set remote.advertisedHost to the ` +
          'address peers should dial.',
      );
    }
  }
  return {
    bindHost,
    port,
    advertisedHost: advertised === bindHost ? undefined : advertised,
    advertisedPort,
    tls,
    insecure,
    outboundQueueSize: positive('outboundQueueSize', options.outboundQueueSize, 65_536),
    outboundQueueBytes: positive('outboundQueueBytes', options.outboundQueueBytes, 64 * 1024 * 1024),
    handshakeTimeoutMs: positive('handshakeTimeoutMs', options.handshakeTimeoutMs, 20_000),
    backoffInitialMs: positive('reconnectBackoffMs', options.reconnectBackoffMs, 100),
    backoffMaxMs: positive('reconnectBackoffMaxMs', options.reconnectBackoffMaxMs, 5_000),
    helloOverrides: options.helloOverrides,
  };
}

export function tcpOptionsFor(
  remote: ResolvedRemote,
  systemName: string,
  maxFrameBytes: number,
  clock: (() => number) | undefined,
): TcpTransportOptions {
  return {
    systemName,
    maxFrameBytes,
    bindHost: remote.bindHost,
    port: remote.port,
    ...(remote.advertisedHost === undefined ? {} : { advertisedHost: remote.advertisedHost }),
    ...(remote.advertisedPort === undefined ? {} : { advertisedPort: remote.advertisedPort }),
    tls: remote.tls,
    insecure: remote.insecure,
    outboundQueueSize: remote.outboundQueueSize,
    outboundQueueBytes: remote.outboundQueueBytes,
    handshakeTimeoutMs: remote.handshakeTimeoutMs,
    backoffInitialMs: remote.backoffInitialMs,
    backoffMaxMs: remote.backoffMaxMs,
    ...(clock === undefined ? {} : { clock }),
    ...(remote.helloOverrides === undefined ? {} : { helloOverrides: remote.helloOverrides }),
  };
}

function readTls(security: SecurityConfig): TlsMaterial | undefined {
  if (!flag(security, 'security.ssl.internal.enabled', false)) return undefined;
  const read = (
    key: 'security.ssl.internal.key' | 'security.ssl.internal.cert' | 'security.ssl.internal.trust-cert',
  ) => {
    const path = security[key];
    if (typeof path !== 'string' || path.length === 0) {
      throw new RpcConfigurationError(
        `security.ssl.internal.enabled is true, but ${key} (a PEM file) is not set.`,
      );
    }
    try {
      return readFileSync(path, 'utf8');
    } catch (cause) {
      throw new RpcConfigurationError(`Could not read ${key} from ${path}.`, { cause });
    }
  };
  const material: TlsMaterial = {
    key: read('security.ssl.internal.key'),
    cert: read('security.ssl.internal.cert'),
    ca: read('security.ssl.internal.trust-cert'),
    verifyHostname: flag(security, 'security.ssl.verify-hostname', true),
  };
  try {
    // node:tls loads here, only when TLS is configured, not with every worker's bundle.
    process
      .getBuiltinModule('node:tls')
      .createSecureContext({ key: material.key, cert: material.cert, ca: material.ca });
  } catch (cause) {
    throw new RpcConfigurationError(
      `The security.ssl.internal.* files do not form a usable TLS identity: ${(cause as Error).message}.`,
      { cause },
    );
  }
  return material;
}

function flag(
  security: SecurityConfig,
  key: 'security.ssl.internal.enabled' | 'security.ssl.verify-hostname',
  fallback: boolean,
): boolean {
  const value = security[key];
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new RpcConfigurationError(`${key} must be true or false, got ${String(value)}.`);
}
