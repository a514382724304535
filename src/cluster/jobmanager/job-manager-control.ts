// The endpoint in the MiniCluster's JobManager thread through which the user's
// thread steers it: revoke or grant the ResourceManager's leadership, wait for
// TaskExecutors to register, shut the REST API and the components down in order.

import type { RpcService } from '../../rpc/rpc-service.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { EmbeddedHaServices } from '../../runtime/highavailability/embedded-ha-services.js';
import type { RestEndpointServices } from '../../runtime/rest/rest-endpoint-services.js';
import { JobManagerControlGateway } from '../mini-cluster-protocol.js';
import type { DispatcherResourceManagerComponent } from './dispatcher-resource-manager-component.js';

export class JobManagerControl
  extends RpcEndpoint
  implements Omit<JobManagerControlGateway, 'getAddress' | 'getHostname'>
{
  static override gateways = [JobManagerControlGateway];

  constructor(
    rpcService: RpcService,
    private readonly component: DispatcherResourceManagerComponent,
    private readonly haServices: EmbeddedHaServices,
    private readonly rest: RestEndpointServices | undefined,
  ) {
    super(rpcService, 'jobmanager_control');
  }

  revokeResourceManagerLeadership(): Promise<void> {
    return this.haServices.getResourceManagerLeaderService().revokeLeadership();
  }

  grantResourceManagerLeadership(): Promise<void> {
    return this.haServices.getResourceManagerLeaderService().grantLeadership();
  }

  async awaitRegisteredTaskExecutors(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const resourceManager = this.component.getResourceManager();
      // Resolves false if that ResourceManager stops first; then wait for the next leader.
      if (resourceManager && (await resourceManager.awaitRegisteredTaskExecutors(count))) return true;
      // No leader at the moment: look again shortly rather than spin.
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
    }
    return false;
  }

  async stopDispatcher(): Promise<void> {
    // The REST API first, as in the jobmanager process: no request reaches a component that is going.
    await this.rest?.closeAsync();
    return this.component.dispatcherService.closeAsync();
  }
}
