// The ResourceManager: TaskExecutors register here and report their slots;
// JobMasters register here and declare the slots their jobs need, which the
// slot manager requests from TaskExecutors. Both sides are watched by
// heartbeat. Mirrors Flink's ResourceManager (the standalone flavour, plus the
// ResourceAllocator hook of the active one). It is fenced by the
// ResourceManagerId of its leader session: a new session means a new endpoint
// (ResourceManagerServiceImpl). Beyond Flink, a TaskExecutor whose thread,
// process or connection is gone is dropped at once, by death watch or by the
// MiniCluster's notifyWorkerTerminated, instead of after the heartbeat timeout;
// every JobMaster hears of it at once too.

import { nanoid } from 'nanoid/non-secure';
import { getLogger } from '../../actor/logger.js';
import { messageOf } from '../flink-error.js';
import type { FencedRpcGateway } from '../../rpc/gateway.js';
import { FencedRpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import { Acknowledge } from '../types/acknowledge.js';
import type { ClusterInformation } from '../types/cluster-information.js';
import type { TaskExecutorHeartbeatPayload } from '../types/heartbeat-payloads.js';
import {
  ResourceID,
  type AllocationID,
  type InstanceID,
  type JobID,
  type JobMasterId,
  type ResourceManagerId,
} from '../types/ids.js';
import type { JobStatus } from '../types/job-status.js';
import {
  RegistrationResponse,
  type JobMasterRegistrationResponse,
  type TaskExecutorRegistrationResponse,
} from '../types/registration-response.js';
import type { ResourceRequirements } from '../types/resource-requirements.js';
import type { SlotID } from '../types/slot-id.js';
import type { SlotReport } from '../types/slot-report.js';
import type { TaskExecutorRegistration } from '../types/task-executor-registration.js';
import type { ResourceOverview, TaskManagerInfo } from '../types/task-manager-info.js';
import { CountWaiters } from './count-waiters.js';
import { JobManagerConnections } from './job-manager-connections.js';
import type { ResourceAllocator } from './resource-allocator.js';
import { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';
import {
  ResourceManagerError,
  UnknownJobManagerError,
  UnknownTaskExecutorError,
} from './resource-manager-errors.js';
import type { MetricDumpSnapshot } from '../metrics/metric-dump.js';
import { createMetricDump } from '../metrics/metric-query-service.js';
import { NoOpMetricRegistry, type MetricRegistry } from '../metrics/metric-registry.js';
import { ResourceManagerMetrics } from './resource-manager-metrics.js';
import { kDefaultClusterInformation, type ResourceManagerOptions } from './resource-manager-options.js';
import { DefaultSlotManager } from './slotmanager/default-slot-manager.js';
import type { SlotManager } from './slotmanager/slot-manager.js';
import { TaskExecutorConnections, type ConnectOutcome } from './task-executor-connections.js';

const log = getLogger('resourcemanager');

export { kOutdatedRegistrationReason, kUnrecognizedWorkerReason } from './task-executor-connections.js';
export const kOutdatedJobMasterRegistrationReason = 'Decline outdated job master registration.';

type RemoteMethods = Omit<ResourceManagerGateway, keyof FencedRpcGateway>;

export class ResourceManager extends FencedRpcEndpoint<ResourceManagerId> implements RemoteMethods {
  static override gateways = [ResourceManagerGateway];

  private readonly resourceId: ResourceID;
  private readonly heartbeatServices: HeartbeatServices;
  /** Heartbeat timers and the slot manager's callbacks and delays, all run in the main thread. */
  private readonly scheduledExecutor: ScheduledExecutor;
  private readonly clusterInformation: ClusterInformation;
  private readonly slotManager: SlotManager;
  private readonly isWorkerAccepted: (resourceId: ResourceID) => boolean;
  private readonly stopWorker: (resourceId: ResourceID, cause: Error) => void;
  private readonly resourceAllocator: ResourceAllocator | undefined;
  /** The newest connect-back per job, so a late one cannot replace a newer registration (FLINK-12260). */
  private readonly pendingJobMasterConnections = new Map<JobID, Promise<JobMasterGateway>>();
  // Created in onStart: their first heartbeat round must not run before the endpoint does.
  private taskExecutorConnections: TaskExecutorConnections | undefined;
  private jobManagerConnections: JobManagerConnections | undefined;
  private readonly startedFuture: Promise<void>;
  private settleStarted!: (error: Error | undefined) => void;
  private readonly registeredWaiters = new CountWaiters();
  private readonly onTaskExecutorRegistered: (resourceId: ResourceID) => void;
  private readonly metricRegistry: MetricRegistry;
  private metrics: ResourceManagerMetrics | undefined;

  constructor(rpcService: RpcService, resourceManagerId: ResourceManagerId, options: ResourceManagerOptions) {
    super(rpcService, resourceManagerId, options.endpointId ?? `resourcemanager_${nanoid(8)}`);
    this.resourceId = options.resourceId;
    this.heartbeatServices = options.heartbeatServices;
    this.scheduledExecutor = this.mainThreadScheduler(options.scheduledExecutor);
    this.clusterInformation = options.clusterInformation ?? kDefaultClusterInformation;
    this.slotManager = options.slotManager ?? new DefaultSlotManager();
    this.isWorkerAccepted = options.isWorkerAccepted ?? (() => true);
    this.stopWorker = options.stopWorker ?? (() => undefined);
    this.onTaskExecutorRegistered = options.onTaskExecutorRegistered ?? (() => undefined);
    this.resourceAllocator = options.resourceAllocator;
    this.metricRegistry = options.metricRegistry ?? NoOpMetricRegistry.INSTANCE;
    this.startedFuture = new Promise<void>((resolve, reject) => {
      this.settleStarted = (error) => (error ? reject(error) : resolve());
    });
    this.startedFuture.catch(() => {});
    // Settles what waits on an endpoint that terminated, even one that never started.
    const terminated = (error: Error) => {
      this.settleStarted(error);
      this.registeredWaiters.close();
    };
    this.getTerminationFuture().then(
      () => terminated(new ResourceManagerError('The ResourceManager terminated before it started.')),
      (error: unknown) => terminated(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Resolves once onStart has run, as Flink's ResourceManager.getStartedFuture; rejects if it never will. */
  getStartedFuture(): Promise<void> {
    return this.startedFuture;
  }

  // ---- lifecycle -----------------------------------------------------------------

  protected override onStart(): void {
    const jobManagers = new JobManagerConnections({
      resourceManagerId: this.getFencingToken(),
      resourceId: this.resourceId,
      heartbeatServices: this.heartbeatServices,
      scheduledExecutor: this.scheduledExecutor,
      slotManager: this.slotManager,
      runAsync: (task) => this.runAsync(task),
    });
    this.jobManagerConnections = jobManagers;
    const metrics = new ResourceManagerMetrics(this.metricRegistry, {
      slotManager: this.slotManager,
      numRegisteredTaskManagers: () => this.taskExecutorConnections?.size ?? 0,
      lastHeartbeatFrom: (registration) =>
        this.taskExecutorConnections?.getLastHeartbeatFrom(registration.resourceId) ?? -1,
      now: () => this.heartbeatServices.clock.now(),
    });
    this.metrics = metrics;
    this.taskExecutorConnections = new TaskExecutorConnections({
      resourceId: this.resourceId,
      heartbeatServices: this.heartbeatServices,
      scheduledExecutor: this.scheduledExecutor,
      slotManager: this.slotManager,
      jobManagers,
      clusterInformation: this.clusterInformation,
      isWorkerAccepted: this.isWorkerAccepted,
      runAsync: (task) => this.runAsync(task),
      disconnect: (resourceId, cause) => this.disconnectTaskManager(resourceId, cause),
      watch: (address, onUnreachable) => this.getRpcService().watch(address, onUnreachable),
      terminated: (resourceId, cause) => this.workerTerminated(resourceId, cause),
      registrationChanged: (registration, registered) =>
        metrics.registrationChanged(registration, registered),
    });
    this.slotManager.start(this.getFencingToken(), this.scheduledExecutor);
    this.settleStarted(undefined);
  }

  protected override onStop(): void {
    const cause = new ResourceManagerError(`The ResourceManager ${this.getFencingToken()} is shutting down.`);
    this.jobManagerConnections?.stop(cause);
    this.taskExecutorConnections?.stop(cause);
    // Connects still in flight find no entry and decline; their callAsync fails fast.
    this.pendingJobMasterConnections.clear();
    this.slotManager.close();
    this.metrics?.close();
  }

  /**
   * The thread of this TaskExecutor has exited (called by the MiniCluster, on
   * this thread). Drops its registration at once, without calling back into it
   * and without stopWorker: the worker is already gone. Every JobMaster is told.
   * With a resourceAllocator, a worker that was registered or registering is
   * replaced (Flink's ActiveResourceManager.onWorkerTerminated). Unknown ids are ignored.
   */
  notifyWorkerTerminated(resourceId: ResourceID, cause: Error): void {
    this.runAsync(() => this.workerTerminated(resourceId, cause));
  }

  private workerTerminated(resourceId: ResourceID, cause: Error): void {
    const wasRegistering = this.taskManagers().abandonConnect(resourceId);
    const registration = this.taskManagers().close(resourceId, cause, {
      tellTaskExecutor: false,
      tellJobMasters: true,
    });
    if (registration || wasRegistering) this.requestNewWorker(resourceId);
  }

  /**
   * For the MiniCluster on this thread: resolves true once `count` TaskExecutors
   * are registered with their slot reports, or false if this ResourceManager
   * terminates first.
   */
  awaitRegisteredTaskExecutors(count: number): Promise<boolean> {
    return this.registeredWaiters.wait(count, this.slotManager.getTaskManagerResourceIds().length);
  }

  // ---- TaskExecutor-facing RPCs --------------------------------------------------------

  registerTaskExecutor(
    registration: TaskExecutorRegistration,
    _timeoutMs: number,
  ): Promise<TaskExecutorRegistrationResponse> {
    const resourceId = registration.resourceId;
    const connecting = this.getRpcService().connect(registration.taskExecutorAddress, TaskExecutorGateway);
    this.taskManagers().connecting(resourceId, connecting);
    return connecting
      .then(
        (gateway): ConnectOutcome<TaskExecutorGateway> => ({ gateway }),
        (error: unknown): ConnectOutcome<TaskExecutorGateway> => ({ error }),
      )
      .then((outcome) =>
        // Back into the main thread; this rejects at once if the endpoint has terminated.
        this.callAsync(
          () => this.taskManagers().completeRegistration(registration, connecting, outcome),
          this.getRpcService().askTimeoutMs,
        ),
      )
      .catch((error: unknown) =>
        RegistrationResponse.failure(
          `The registration of TaskExecutor ${resourceId} could not complete: ${messageOf(error)}`,
        ),
      );
  }

  async sendSlotReport(
    resourceId: ResourceID,
    instanceId: InstanceID,
    slotReport: SlotReport,
    _timeoutMs: number,
  ): Promise<Acknowledge> {
    const registration = this.taskManagers().get(resourceId);
    if (registration?.instanceId !== instanceId) {
      throw new ResourceManagerError(`Unknown TaskManager registration id ${instanceId}.`);
    }
    const result = this.slotManager.registerTaskManager(
      registration,
      slotReport,
      registration.totalResourceProfile,
      registration.defaultSlotResourceProfile,
    );
    if (result === 'SUCCESS') {
      this.registeredWaiters.update(this.slotManager.getTaskManagerResourceIds().length);
      try {
        this.onTaskExecutorRegistered(resourceId);
      } catch (error) {
        // The registration stands: a failing listener must not fail the slot report.
        log.warn(`A listener of TaskExecutor registrations failed for ${resourceId}.`, error);
      }
    } else if (result === 'REJECTED') {
      this.disconnectTaskManager(
        resourceId,
        new ResourceManagerError('Task manager could not be registered to SlotManager.'),
      );
    } else if (result === 'IGNORED') {
      log.debug(`TaskManager ${resourceId} is ignored by SlotManager.`);
    }
    return Acknowledge;
  }

  notifySlotAvailable(instanceId: InstanceID, slotId: SlotID, allocationId: AllocationID): void {
    const registration = this.taskManagers().get(slotId.resourceId);
    if (!registration) {
      log.debug(
        `Could not find registration for resource id ${slotId.resourceId}; discarding slot available.`,
      );
    } else if (registration.instanceId !== instanceId) {
      log.debug('Invalid registration id for slot available message. This indicates an outdated request.');
    } else {
      this.slotManager.freeSlot(slotId, allocationId);
    }
  }

  heartbeatFromTaskManager(resourceId: ResourceID, payload: TaskExecutorHeartbeatPayload): Promise<void> {
    return this.taskManagers().receiveHeartbeat(resourceId, payload);
  }

  disconnectTaskManager(resourceId: ResourceID, cause: Error): void {
    const closed = this.taskManagers().close(resourceId, cause, {
      tellTaskExecutor: true,
      tellJobMasters: true,
    });
    if (closed) this.stopWorker(resourceId, cause);
  }

  // ---- JobMaster-facing RPCs ----------------------------------------------------------

  registerJobMaster(
    jobMasterId: JobMasterId,
    jobManagerResourceId: ResourceID,
    jobManagerAddress: string,
    jobId: JobID,
    _timeoutMs: number,
  ): Promise<JobMasterRegistrationResponse> {
    log.info(`Registering job manager ${jobMasterId}@${jobManagerAddress} for job ${jobId}.`);
    const connecting = this.getRpcService().connectFenced(jobManagerAddress, jobMasterId, JobMasterGateway);
    this.pendingJobMasterConnections.set(jobId, connecting);
    return connecting
      .then(
        (gateway): ConnectOutcome<JobMasterGateway> => ({ gateway }),
        (error: unknown): ConnectOutcome<JobMasterGateway> => ({ error }),
      )
      .then((outcome) =>
        this.callAsync(() => {
          if (this.pendingJobMasterConnections.get(jobId) !== connecting) {
            log.debug(`Ignoring outdated JobMasterGateway connection for job ${jobId}.`);
            return RegistrationResponse.failure(kOutdatedJobMasterRegistrationReason);
          }
          this.pendingJobMasterConnections.delete(jobId);
          if ('error' in outcome) {
            log.info(`Registration of job manager ${jobMasterId}@${jobManagerAddress} failed.`);
            return RegistrationResponse.failure(
              `Could not connect to the JobMaster at ${jobManagerAddress}: ${messageOf(outcome.error)}`,
            );
          }
          return this.jobManagers().register({
            jobId,
            jobManagerResourceId,
            jobMasterId,
            address: jobManagerAddress,
            gateway: outcome.gateway,
          });
        }, this.getRpcService().askTimeoutMs),
      )
      .catch((error: unknown) =>
        RegistrationResponse.failure(
          `The registration of the JobMaster of job ${jobId} could not complete: ${messageOf(error)}`,
        ),
      );
  }

  async declareRequiredResources(
    jobMasterId: JobMasterId,
    resourceRequirements: ResourceRequirements,
    _timeoutMs: number,
  ): Promise<Acknowledge> {
    const jobId = resourceRequirements.jobId;
    const registration = this.jobManagers().get(jobId);
    if (!registration) {
      throw new UnknownJobManagerError(`Could not find registered job manager for job ${jobId}.`);
    }
    if (registration.jobMasterId !== jobMasterId) {
      throw new UnknownJobManagerError(
        `The job leader's id ${registration.jobMasterId} does not match the received id ${jobMasterId}.`,
      );
    }
    this.slotManager.processResourceRequirements({ ...resourceRequirements, jobMasterId });
    return Acknowledge;
  }

  heartbeatFromJobManager(resourceId: ResourceID): Promise<void> {
    return this.jobManagers().receiveHeartbeat(resourceId);
  }

  disconnectJobManager(jobId: JobID, jobStatus: JobStatus, cause: Error): void {
    log.debug(`The JobMaster of job ${jobId} disconnects (job ${jobStatus}).`);
    // It left by itself: nothing to tell it.
    this.jobManagers().close(jobId, cause, { tellJobMaster: false, clearRequirements: true });
  }

  // ---- queries ------------------------------------------------------------------------

  async getNumberOfRegisteredTaskManagers(): Promise<number> {
    return this.taskManagers().size;
  }

  async requestResourceOverview(_timeoutMs: number): Promise<ResourceOverview> {
    return {
      numberTaskManagers: this.taskManagers().size,
      numberRegisteredSlots: this.slotManager.getNumberRegisteredSlots(),
      numberFreeSlots: this.slotManager.getNumberFreeSlots(),
    };
  }

  async requestTaskManagerInfo(_timeoutMs: number): Promise<TaskManagerInfo[]> {
    const taskManagers = this.taskManagers();
    const now = this.heartbeatServices.clock.now();
    return [...taskManagers.values()].map((registration) => {
      const lastHeartbeat = taskManagers.getLastHeartbeatFrom(registration.resourceId);
      const stats = registration.threadStats;
      return {
        resourceId: registration.resourceId,
        address: registration.address,
        numberSlots: this.slotManager.getNumberRegisteredSlotsOf(registration.instanceId),
        numberAvailableSlots: this.slotManager.getNumberFreeSlotsOf(registration.instanceId),
        lastHeartbeat: this.lastHeartbeatFrom(taskManagers, registration.resourceId),
        // A monitor starts at 0, Flink's "no heartbeat yet" in TaskManagerInfo.
        timeSinceLastHeartbeatMs: lastHeartbeat <= 0 ? -1 : Math.max(0, now - lastHeartbeat),
        totalResourceProfile: registration.totalResourceProfile,
        heapUsedBytes: stats?.heapUsedBytes ?? -1,
        heapTotalBytes: stats?.heapTotalBytes ?? -1,
        eventLoopUtilization: stats?.eventLoopUtilization ?? -1,
        eventLoopDelayP99Ms: stats?.eventLoopDelayP99Ms ?? -1,
      };
    });
  }

  /**
   * The metrics of the TaskExecutor `taskManagerId`, asked of it through its
   * registration (Flink's requestTaskManagerMetricQueryServiceAddresses, then
   * the query). Unknown ids fail with UnknownTaskExecutorError.
   */
  requestTaskManagerMetrics(taskManagerId: ResourceID, timeoutMs: number): Promise<MetricDumpSnapshot> {
    const registration = this.taskManagers().get(taskManagerId);
    if (!registration) {
      return Promise.reject(new UnknownTaskExecutorError(`No TaskExecutor registered as ${taskManagerId}.`));
    }
    return registration.gateway.requestMetricDump(timeoutMs);
  }

  /**
   * The metrics of this thread: the jobmanager's status, the ResourceManager's
   * and those of the JobMasters beside it (Flink's jobmanager MetricQueryService).
   */
  async requestJobManagerMetricDump(_timeoutMs: number): Promise<MetricDumpSnapshot> {
    return createMetricDump(this.metricRegistry);
  }

  async requestTaskManagerLogLines(
    taskManagerId: ResourceID,
    maxLines: number,
    timeoutMs: number,
  ): Promise<string[]> {
    const registration = this.taskManagers().get(taskManagerId);
    if (!registration) {
      throw new UnknownTaskExecutorError(`No TaskExecutor registered under ${String(taskManagerId)}.`);
    }
    return registration.gateway.requestLogLines(maxLines, timeoutMs);
  }

  // ---- internals ------------------------------------------------------------------

  /** When the TaskExecutor last answered a heartbeat, in ms since the epoch; 0 before the first. */
  private lastHeartbeatFrom(taskManagers: TaskExecutorConnections, resourceId: ResourceID): number {
    const last = taskManagers.getLastHeartbeatFrom(resourceId);
    return last > 0 ? this.heartbeatServices.epochMillisOf(last) : 0;
  }

  private taskManagers(): TaskExecutorConnections {
    const connections = this.taskExecutorConnections;
    if (!connections) throw new ResourceManagerError('The ResourceManager has not been started.');
    return connections;
  }

  private jobManagers(): JobManagerConnections {
    const connections = this.jobManagerConnections;
    if (!connections) throw new ResourceManagerError('The ResourceManager has not been started.');
    return connections;
  }

  private requestNewWorker(terminated: ResourceID): void {
    if (!this.resourceAllocator) return;
    log.info(`Requesting a new worker to replace TaskExecutor ${terminated}.`);
    try {
      this.resourceAllocator.requestNewWorker();
    } catch (error) {
      log.error(`The resource allocator could not request a worker to replace ${terminated}.`, error);
    }
  }
}
