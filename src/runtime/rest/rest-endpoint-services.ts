// The REST endpoint of a JobManager with what it serves: gateways that follow
// the Dispatcher and ResourceManager leaders through the HA services, and the
// server. Mirrors how Flink's DispatcherResourceManagerComponentFactory creates
// the WebMonitorEndpoint with its leader retrievers, and closes them together.

import type { RpcService } from '../../rpc/rpc-service.js';
import type { ConfigValue } from '../configuration/config-option.js';
import { DispatcherGateway } from '../gateways/dispatcher-gateway.js';
import { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import { LeaderGatewayRetriever } from './leader-gateway-retriever.js';
import { WebMonitorEndpoint, type RestServerEndpointConfiguration } from './web-monitor-endpoint.js';

export interface RestEndpointServicesOptions {
  readonly rpcService: RpcService;
  readonly haServices: Pick<
    HighAvailabilityServices,
    'getDispatcherLeaderRetriever' | 'getResourceManagerLeaderRetriever'
  >;
  readonly configuration: Readonly<Record<string, ConfigValue>>;
  readonly timeoutMs: number;
  readonly server: RestServerEndpointConfiguration;
}

export class RestEndpointServices {
  private constructor(
    readonly endpoint: WebMonitorEndpoint,
    private readonly retrievers: readonly { stop(): void }[],
  ) {}

  static async start(options: RestEndpointServicesOptions): Promise<RestEndpointServices> {
    const { rpcService, haServices } = options;
    const dispatcher = new LeaderGatewayRetriever(
      rpcService,
      haServices.getDispatcherLeaderRetriever(),
      DispatcherGateway,
    ).start();
    const resourceManager = new LeaderGatewayRetriever(
      rpcService,
      haServices.getResourceManagerLeaderRetriever(),
      ResourceManagerGateway,
    ).start();
    const retrievers = [dispatcher, resourceManager];
    try {
      const endpoint = await WebMonitorEndpoint.start(
        {
          dispatcher: () => dispatcher.getFuture(),
          resourceManager: () => resourceManager.getFuture(),
          configuration: options.configuration,
          timeoutMs: options.timeoutMs,
        },
        options.server,
      );
      return new RestEndpointServices(endpoint, retrievers);
    } catch (error) {
      for (const retriever of retrievers) retriever.stop();
      throw error;
    }
  }

  getRestBaseUrl(): string {
    return this.endpoint.getRestBaseUrl();
  }

  async closeAsync(): Promise<void> {
    await this.endpoint.closeAsync();
    for (const retriever of this.retrievers) retriever.stop();
  }
}
