// The MiniCluster's JobManager thread: embedded HA with a
// LeaderInformationServer that the TaskExecutor threads and the user's thread
// follow, a ResourceManager and a Dispatcher (DispatcherResourceManagerComponent),
// and the control endpoint the user's thread steers it through. The entry that
// runs it is job-manager-worker-entry.ts, bundled. A fatal error of the
// components ends the thread with that error, so the MiniCluster sees it.

import type { RpcService } from '../src/rpc/rpc-service.js';
import type { ConfigValue } from '../src/runtime/configuration/config-option.js';
import { Configuration } from '../src/runtime/configuration/configuration.js';
import { EmbeddedHaServices } from '../src/runtime/highavailability/embedded-ha-services.js';
import { LeaderInformationServer } from '../src/runtime/highavailability/leader-information-server.js';
import type { ResourceAllocator } from '../src/runtime/resourcemanager/resource-allocator.js';
import { DispatcherResourceManagerComponent } from '../src/cluster/jobmanager/dispatcher-resource-manager-component.js';
import { JobManagerControl } from '../src/cluster/jobmanager/job-manager-control.js';
import { ResourceAllocatorGateway } from '../src/cluster/mini-cluster-protocol.js';

export interface JobManagerWorkerData {
  readonly configuration: Readonly<Record<string, ConfigValue>>;
  /** Where to ask for a new TaskExecutor; null: no active resource management. */
  readonly resourceAllocatorAddress: string | null;
}

export interface JobManagerWorkerInfo {
  /** The LeaderInformationServer every other thread follows leaders through. */
  readonly haServerAddress: string;
  readonly controlAddress: string;
}

export function start(rpc: RpcService, data: JobManagerWorkerData): JobManagerWorkerInfo {
  const haServices = new EmbeddedHaServices(rpc.getScheduledExecutor());
  const haServer = new LeaderInformationServer(rpc, haServices);
  haServer.start();
  const component = new DispatcherResourceManagerComponent({
    rpcService: rpc,
    haServices,
    configuration: Configuration.fromMap(data.configuration),
    ...(data.resourceAllocatorAddress
      ? { resourceAllocator: allocatorAt(rpc, data.resourceAllocatorAddress) }
      : {}),
    onFatalError: (error) =>
      // Thrown outside any promise, so Node ends this thread with exit code 1 and hands the error to main.
      setImmediate(() => {
        throw error;
      }),
  });
  component.start();
  const control = new JobManagerControl(rpc, component, haServices);
  control.start();
  return { haServerAddress: haServer.getAddress(), controlAddress: control.getAddress() };
}

function allocatorAt(rpc: RpcService, address: string): ResourceAllocator {
  const gateway = rpc.connect(address, ResourceAllocatorGateway);
  gateway.catch(() => {});
  return {
    requestNewWorker: () => {
      void gateway.then((allocator) => allocator.requestNewWorker());
    },
  };
}
