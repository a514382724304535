// How the REST handlers reach the cluster: the current Dispatcher and
// ResourceManager leaders, found anew for each request, and the configuration
// to show. Mirrors Flink's GatewayRetriever<DispatcherGateway> and the
// ResourceManager retriever that WebMonitorEndpoint is handed, so the same
// handlers serve beside the Dispatcher or from any other thread.

import type { ConfigValue } from '../configuration/config-option.js';
import type { DispatcherGateway } from '../gateways/dispatcher-gateway.js';
import type { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';

export interface RestGateways {
  /** The Dispatcher leader; rejects when there is none. */
  dispatcher(): Promise<DispatcherGateway>;
  /** The ResourceManager leader; rejects when there is none. */
  resourceManager(): Promise<ResourceManagerGateway>;
  /** The cluster's configuration, as /jobmanager/config shows it. */
  readonly configuration: Readonly<Record<string, ConfigValue>>;
  /** The timeout of each call the handlers make (Flink's web.timeout). */
  readonly timeoutMs: number;
}
