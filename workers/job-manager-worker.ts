// The MiniCluster's JobManager thread: embedded HA with a
// LeaderInformationServer that the TaskExecutor threads and the user's thread
// follow, a ResourceManager and a Dispatcher (DispatcherResourceManagerComponent),
// the control endpoint the user's thread steers it through, and, when asked,
// the REST API with the dashboard beside the Dispatcher. The entry that
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
import type { RestServerEndpointConfiguration } from '../src/runtime/rest/web-monitor-endpoint.js';

export interface JobManagerWorkerData {
  readonly configuration: Readonly<Record<string, ConfigValue>>;
  /** Where to ask for a new TaskExecutor; null: no active resource management. */
  readonly resourceAllocatorAddress: string | null;
  /** Where the REST API listens; null: no REST API. */
  readonly rest: RestServerEndpointConfiguration | null;
}

export interface JobManagerWorkerInfo {
  /** The LeaderInformationServer every other thread follows leaders through. */
  readonly haServerAddress: string;
  readonly controlAddress: string;
  /** `http(s)://host:port` of the REST API; null without one. */
  readonly restBaseUrl: string | null;
}

let warm!: () => void;
/**
 * Settles once this thread's ResourceManager has registered a TaskExecutor: the
 * code cache is written then, with the registration's code in it
 * (code-cached-bundle.cts).
 */
export const warmedUp = new Promise<void>((resolve) => (warm = resolve));

export async function start(rpc: RpcService, data: JobManagerWorkerData): Promise<JobManagerWorkerInfo> {
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
    // After the turn: a cache miss writes the cache then, which should not delay the slot report's answer.
    onTaskExecutorRegistered: () => setImmediate(warm),
    onFatalError: (error) =>
      // Thrown outside any promise, so Node ends this thread with exit code 1 and hands the error to main.
      setImmediate(() => {
        throw error;
      }),
  });
  component.start();
  // Loaded only when asked for, so a MiniCluster without a REST API does not pay for hono's start-up.
  const rest = data.rest
    ? await (
        await import('../src/runtime/rest/rest-endpoint-services.js')
      ).RestEndpointServices.start({
        rpcService: rpc,
        haServices,
        configuration: data.configuration,
        timeoutMs: rpc.askTimeoutMs,
        server: data.rest,
      })
    : undefined;
  const control = new JobManagerControl(rpc, component, haServices, rest);
  control.start();
  return {
    haServerAddress: haServer.getAddress(),
    controlAddress: control.getAddress(),
    restBaseUrl: rest?.getRestBaseUrl() ?? null,
  };
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
