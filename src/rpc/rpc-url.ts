// The address of an endpoint in another process, from its host, port and
// endpoint id, as Flink's RpcServiceUtils.getRpcUrl builds
// `pekko.tcp://flink@host:port/user/rpc/resourcemanager_0`. A standalone
// cluster's components are found this way: at fixed ids on a known port.

import { formatAddress, kTcpProtocol } from '../actor/address.js';
import { kRpcPathPrefix } from './rpc-endpoint.js';

/** `node+tcp://flink@host:port/user/rpc/<endpointId>`; an IPv6 host is bracketed. */
export function getRpcUrl(host: string, port: number, endpointId: string, systemName = 'flink'): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return formatAddress({
    protocol: kTcpProtocol,
    system: systemName,
    host: `${bracketed}:${port}`,
    path: `${kRpcPathPrefix}${endpointId}`,
  });
}
