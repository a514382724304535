// The ResourceManager's constructor options and their defaults, stated once.

import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { ClusterInformation } from '../types/cluster-information.js';
import type { MetricRegistry } from '../metrics/metric-registry.js';
import type { ResourceID } from '../types/ids.js';
import type { ResourceAllocator } from './resource-allocator.js';
import type { SlotManager } from './slotmanager/slot-manager.js';

export interface ResourceManagerOptions {
  /** The ResourceManager's own ResourceID, the origin of its heartbeats. */
  readonly resourceId: ResourceID;
  /** The ResourceManager is the heartbeat sender towards TaskExecutors and JobMasters. */
  readonly heartbeatServices: HeartbeatServices;
  /**
   * Drives heartbeat timers and the slot manager's retry delays; its tasks run
   * in the main thread. Default: the main-thread executor.
   */
  readonly scheduledExecutor?: ScheduledExecutor;
  /** Sent to every TaskExecutor that registers. Default `{ blobServerHostname: 'localhost', blobServerPort: 0 }`. */
  readonly clusterInformation?: ClusterInformation;
  /** Owned by the ResourceManager and closed when it stops. Default: a new DefaultSlotManager. */
  readonly slotManager?: SlotManager;
  /** Flink's workerStarted: whether this ResourceID is a worker we know. Standalone accepts all. */
  readonly isWorkerAccepted?: (resourceId: ResourceID) => boolean;
  /** Flink's stopWorkerIfSupported: called after the ResourceManager let a TaskExecutor go. */
  readonly stopWorker?: (resourceId: ResourceID, cause: Error) => void;
  /**
   * Flink's ResourceAllocator, which makes the ResourceManager an active one:
   * when notifyWorkerTerminated drops a TaskExecutor that was registered or
   * registering, requestNewWorker() is called once for it. Default: none (standalone).
   */
  readonly resourceAllocator?: ResourceAllocator;
  /** Default `resourcemanager_<random>`. */
  readonly endpointId?: string;
  /**
   * The registry of this thread's metrics, shared with the components beside
   * the ResourceManager; requestJobManagerMetricDump dumps all of it. Default:
   * a NoOpMetricRegistry (no metrics).
   */
  readonly metricRegistry?: MetricRegistry;
  /** Hears each registration of a TaskExecutor once its slot report has been accepted (a re-registration too). */
  readonly onTaskExecutorRegistered?: (resourceId: ResourceID) => void;
}

export const kDefaultClusterInformation: ClusterInformation = Object.freeze({
  blobServerHostname: 'localhost',
  blobServerPort: 0,
});
