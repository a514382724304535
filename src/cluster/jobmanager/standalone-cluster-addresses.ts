// Where a standalone cluster's components are, from the jobmanager's host and
// port: the first leader session's endpoint ids, which a jobmanager without
// ZooKeeper never changes. Flink's StandaloneHaServices is handed the same
// addresses, built by RpcServiceUtils.getRpcUrl.

import { formatAddress, parseAddress } from '../../actor/address.js';
import { kRpcPathPrefix } from '../../rpc/rpc-endpoint.js';
import { getRpcUrl } from '../../rpc/rpc-url.js';
import { kBlobServerEndpointId } from '../../runtime/blob/blob-server-gateway.js';
import { hostOf } from '../config/rpc-service-options.js';
import {
  kDispatcherEndpointPrefix,
  kResourceManagerEndpointPrefix,
} from './dispatcher-resource-manager-component.js';

/** Where a standalone cluster's components are, from the jobmanager's host and port. */
export interface ClusterAddresses {
  readonly resourceManager: string;
  readonly dispatcher: string;
  readonly blobServer: string;
}

export function standaloneClusterAddresses(host: string, port: number): ClusterAddresses {
  const at = (endpointId: string): string => getRpcUrl(hostOf(host), port, endpointId);
  return {
    resourceManager: at(`${kResourceManagerEndpointPrefix}0`),
    dispatcher: at(`${kDispatcherEndpointPrefix}0`),
    blobServer: at(kBlobServerEndpointId),
  };
}

/** The BlobServer in the same jobmanager process as the endpoint at `address` (e.g. the ResourceManager leader). */
export function blobServerBeside(address: string): string {
  const parsed = parseAddress(address);
  return formatAddress({ ...parsed, path: `${kRpcPathPrefix}${kBlobServerEndpointId}` });
}
