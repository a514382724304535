// Worker entry for cross-thread tests: a ResourceManager in its own thread, on
// real time with long heartbeats, so that only registration and fencing matter.

import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { ResourceManager } from '../../../src/runtime/resourcemanager/resource-manager.js';
import { ResourceID, ResourceManagerId } from '../../../src/runtime/types/ids.js';

export const kResourceManagerWorkerModule = new URL('./resource-manager-worker.js', import.meta.url);

export interface ResourceManagerWorkerData {
  readonly resourceManagerId: string;
}

export function start(rpc: RpcService, data: ResourceManagerWorkerData): string {
  const resourceManager = new ResourceManager(rpc, ResourceManagerId.of(data.resourceManagerId), {
    resourceId: ResourceID.of('resourcemanager-in-worker'),
    heartbeatServices: new HeartbeatServices(60_000, 600_000),
  });
  resourceManager.start();
  return resourceManager.getAddress();
}
