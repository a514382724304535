// The JobManager side of a cluster: a ResourceManager and a Dispatcher, each
// run for every leader session this process wins, on one RpcService. Mirrors
// Flink's DispatcherResourceManagerComponent. The standalone jobmanager process
// runs one on its main thread; the MiniCluster runs one in a worker thread of
// its own, so that a user who blocks the main thread delays only their own code.

import type { RpcService } from '../../rpc/rpc-service.js';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import { JobMasterConfiguration } from '../../runtime/configuration/job-master-configuration.js';
import { TaskManagerConfiguration } from '../../runtime/configuration/task-manager-configuration.js';
import { DispatcherService } from '../../runtime/dispatcher/dispatcher-service.js';
import type { JobPersistence } from '../../runtime/dispatcher/job-persistence.js';
import type { Dispatcher } from '../../runtime/dispatcher/dispatcher.js';
import { HeartbeatServices } from '../../runtime/heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../../runtime/highavailability/high-availability-services.js';
import type { ResourceAllocator } from '../../runtime/resourcemanager/resource-allocator.js';
import { ResourceManager } from '../../runtime/resourcemanager/resource-manager.js';
import { ResourceManagerServiceImpl } from '../../runtime/resourcemanager/resource-manager-service-impl.js';
import { ResourceID, type JobID } from '../../runtime/types/ids.js';
import { hostname } from 'node:os';
import { JobManagerMetricGroup } from '../../runtime/metrics/component-metric-groups.js';
import { createMetricRegistry } from '../../runtime/metrics/metric-registry-factory.js';
import type { MetricRegistry } from '../../runtime/metrics/metric-registry.js';
import type { NodeThreadStatus } from '../../runtime/metrics/node-thread-status.js';
import { instantiateStatusMetrics } from '../../runtime/metrics/status-metrics.js';

export interface DispatcherResourceManagerComponentOptions {
  readonly rpcService: RpcService;
  readonly haServices: HighAvailabilityServices;
  readonly configuration: Configuration;
  /** Starts TaskExecutors when the ResourceManager wants more (Flink's active ResourceManager). */
  readonly resourceAllocator?: ResourceAllocator;
  /** Where jobs and results are kept for the next leader (ZooKeeper HA). */
  readonly jobPersistence?: JobPersistence;
  /** Deletes what an ended job leaves behind, e.g. its blobs at the BlobServer. */
  readonly cleanupJob?: (jobId: JobID) => Promise<void>;
  /** A fatal error of either component; the owner ends the process or the thread. */
  readonly onFatalError: (error: Error) => void;
  /** Default: from the configuration (metrics.enabled). */
  readonly metricRegistry?: MetricRegistry;
  /** Hears each registration of a TaskExecutor, with its slots, at the ResourceManager (a re-registration too). */
  readonly onTaskExecutorRegistered?: (resourceId: ResourceID) => void;
}

/** The endpoint ids under which the components are found: `resourcemanager_*` and `dispatcher_*`, as in Flink. */
export const kResourceManagerEndpointPrefix = 'resourcemanager_';
export const kDispatcherEndpointPrefix = 'dispatcher_';

export class DispatcherResourceManagerComponent {
  readonly resourceManagerService: ResourceManagerServiceImpl;
  readonly dispatcherService: DispatcherService;
  /** This thread's metrics: the jobmanager's status, the ResourceManager's, the JobMasters'. */
  readonly metricRegistry: MetricRegistry;
  private readonly jobManagerMetricGroup: JobManagerMetricGroup;
  private readonly threadStatus: NodeThreadStatus | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: DispatcherResourceManagerComponentOptions) {
    const { rpcService, haServices, configuration } = options;
    // Flink's ClusterEntrypoint builds the registry and the JobManagerMetricGroup with its status metrics.
    this.metricRegistry = options.metricRegistry ?? createMetricRegistry(configuration);
    this.jobManagerMetricGroup = new JobManagerMetricGroup(this.metricRegistry, hostname());
    this.threadStatus = this.metricRegistry.enabled
      ? instantiateStatusMetrics(this.jobManagerMetricGroup, () => rpcService.metrics())
      : undefined;
    const metricRegistry = this.metricRegistry;
    const heartbeatServices = HeartbeatServices.fromConfiguration(configuration);
    const taskManagerConfiguration = TaskManagerConfiguration.fromConfiguration(configuration);
    let resourceManagers = 0;
    let dispatchers = 0;
    this.resourceManagerService = new ResourceManagerServiceImpl(
      haServices.getResourceManagerLeaderElectionService(),
      (resourceManagerId) =>
        new ResourceManager(rpcService, resourceManagerId, {
          resourceId: ResourceID.of('resourcemanager'),
          heartbeatServices,
          endpointId: `${kResourceManagerEndpointPrefix}${resourceManagers++}`,
          metricRegistry,
          ...(options.resourceAllocator ? { resourceAllocator: options.resourceAllocator } : {}),
          ...(options.onTaskExecutorRegistered
            ? { onTaskExecutorRegistered: options.onTaskExecutorRegistered }
            : {}),
        }),
      { onFatalError: options.onFatalError },
    );
    this.dispatcherService = new DispatcherService(
      rpcService,
      haServices.getDispatcherLeaderElectionService(),
      {
        haServices,
        heartbeatServices,
        rpcTimeoutMs: taskManagerConfiguration.rpcTimeoutMs,
        retryingRegistrationConfiguration: taskManagerConfiguration.retryingRegistrationConfiguration,
        jobMasterConfiguration: JobMasterConfiguration.fromConfiguration(configuration),
        endpointIdFor: () => `${kDispatcherEndpointPrefix}${dispatchers++}`,
        jobManagerMetricGroup: this.jobManagerMetricGroup,
        ...(options.cleanupJob ? { cleanupJob: options.cleanupJob } : {}),
        ...(options.jobPersistence ? { jobPersistence: options.jobPersistence } : {}),
      },
      { onFatalError: options.onFatalError },
    );
  }

  /** Enters both elections; the ResourceManager first, as in Flink. */
  start(): void {
    this.resourceManagerService.start();
    this.dispatcherService.start();
  }

  getResourceManager(): ResourceManager | undefined {
    return this.resourceManagerService.getLeaderResourceManager();
  }

  getDispatcher(): Dispatcher | undefined {
    return this.dispatcherService.getLeader();
  }

  /** The Dispatcher first, so that its JobMasters free their slots while the ResourceManager still runs. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      const dispatcher = await Promise.allSettled([this.dispatcherService.closeAsync()]);
      const resourceManager = await Promise.allSettled([this.resourceManagerService.closeAsync()]);
      this.jobManagerMetricGroup.close();
      this.threadStatus?.close();
      const failure = [...dispatcher, ...resourceManager].find(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      if (failure) throw failure.reason;
    })();
    return this.closing;
  }
}
