// The MiniCluster's ResourceAllocator as an endpoint on the user's thread, which
// owns the worker threads: the ResourceManager in the JobManager thread asks it
// for a new TaskExecutor when one it knew is gone. Mirrors the ResourceAllocator
// (ActiveResourceManager's driver) of Flink's MiniCluster.

import type { RpcService } from '../rpc/rpc-service.js';
import { RpcEndpoint } from '../rpc/rpc-endpoint.js';
import { ResourceAllocatorGateway } from './mini-cluster-protocol.js';

export class ResourceAllocatorEndpoint
  extends RpcEndpoint
  implements Omit<ResourceAllocatorGateway, 'getAddress' | 'getHostname'>
{
  static override gateways = [ResourceAllocatorGateway];

  constructor(
    rpcService: RpcService,
    private readonly startTaskExecutor: () => void,
  ) {
    super(rpcService, 'resource_allocator');
  }

  requestNewWorker(): void {
    this.startTaskExecutor();
  }
}
