// What a TaskExecutor is built from: its identity and configuration, the HA and
// heartbeat services, and the parts tests replace (scheduler, job leader
// service, task worker entry, blob service, metrics). Flink passes the same as
// TaskManagerServices and the TaskExecutor's constructor arguments.

import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { TaskManagerConfiguration } from '../configuration/task-manager-configuration.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import type { ResourceID } from '../types/ids.js';
import type { ResourceProfile } from '../types/resource-profile.js';
import type { HardwareDescription } from '../types/task-executor-registration.js';
import type { FatalErrorHandler } from './fatal-error-handler.js';
import type { JobLeaderService } from './job-leader-service.js';
import type { TaskBlobService } from './task/task-code.js';
import type { MetricRegistry } from './task-executor-metrics.js';

export interface TaskExecutorServices {
  readonly resourceId: ResourceID;
  readonly configuration: TaskManagerConfiguration;
  readonly haServices: Pick<
    HighAvailabilityServices,
    'getResourceManagerLeaderRetriever' | 'getJobManagerLeaderRetriever'
  >;
  readonly heartbeatServices: HeartbeatServices;
  readonly fatalErrorHandler: FatalErrorHandler;
  /** All resources of this TaskExecutor. Default: one CPU core per slot. */
  readonly totalResourceProfile?: ResourceProfile;
  readonly hardwareDescription?: HardwareDescription;
  /**
   * Source of delays (registration deadline, retries, heartbeats, slot timeouts).
   * The delayed work always runs in the endpoint's main thread. Default: the
   * endpoint's own timers; tests pass a ManualExecutor.
   */
  readonly scheduler?: ScheduledExecutor;
  readonly jobLeaderService?: JobLeaderService;
  readonly endpointId?: string;
  /**
   * The entry of the slots' task workers. Default: workers/task-slot-worker.js
   * (see src/worker-entries.ts); tests pass others.
   */
  readonly taskSlotWorkerEntry?: URL;
  /**
   * Where tasks whose module is `blob:<key>` get their code (Flink's
   * PermanentBlobService with its job reference counts). Without it such a task fails.
   */
  readonly blobService?: TaskBlobService;
  /** This thread's metrics (Flink: one per process). Default: a MetricRegistryImpl; NoOpMetricRegistry: off. */
  readonly metricRegistry?: MetricRegistry;
}
