// The RpcService options of a cluster process, read from its configuration:
// where it listens and what peers dial, the ask timeout (rpc.ask-timeout), and
// mutual TLS (security.ssl.internal.*). Flink reads these in its
// ClusterEntrypoint and TaskManagerRunner through RpcServiceUtils.

import type { RpcServiceOptions } from '../../rpc/rpc-service.js';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import { RpcOptions } from '../../runtime/configuration/rpc-options.js';
import { internalSecurityConfigOf } from './security-options.js';

/** Flink's "localhost" as an address: the loopback, never a name that may resolve to ::1. */
export function hostOf(configured: string): string {
  return configured === 'localhost' ? '127.0.0.1' : configured;
}

/** Listens on `host:port` (0 picks a free port), which is also what peers dial. */
export function rpcServiceOptionsOf(
  configuration: Configuration,
  host: string,
  port: number,
): RpcServiceOptions {
  return {
    askTimeoutMs: configuration.get(RpcOptions.ASK_TIMEOUT_DURATION),
    remote: { bindHost: hostOf(host), port, security: internalSecurityConfigOf(configuration) },
  };
}
