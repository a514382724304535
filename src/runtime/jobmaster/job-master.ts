// The JobMaster: one per job and leader session, it gets slots and runs the
// job's tasks in them. Mirrors Flink's JobMaster:
//
// - it registers at the ResourceManager leader and declares how many slots it
//   needs (resource-manager-link.ts); the ResourceManager asks TaskExecutors to
//   reserve them, and the TaskExecutors register here and offer them;
// - its DefaultScheduler deploys the tasks into the slots of its SlotPool and
//   restarts failed ones; the ExecutionGraph holds the job's state;
// - heartbeats run to every TaskExecutor (sender, with the slots it believes it
//   holds there) and from the ResourceManager (receiver);
// - when the job ends, its slots are freed and the ResourceManager is told.
//
// This file holds the RPC surface, the lifecycle, the TaskExecutor
// registrations and the wiring. It is fenced by its JobMasterId. Every
// asynchronous answer re-checks that it still concerns the current execution,
// TaskExecutor or ResourceManager.

import type { JobManagerJobMetricGroup, JobManagerMetricGroup } from '../metrics/component-metric-groups.js';
import { getLogger } from '../../actor/logger.js';
import { withoutStack } from '../../actor/stackless-error.js';
import { FencedRpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ConnectionCache } from '../../rpc/connection-cache.js';
import { kSystemClock, type Clock, type ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import { JobMasterConfiguration } from '../configuration/job-master-configuration.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import { messageOf } from '../flink-error.js';
import { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import { heartbeatLossListener } from '../heartbeat/heartbeat-loss-listener.js';
import type { HeartbeatManager } from '../heartbeat/heartbeat-manager.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import { Acknowledge } from '../types/acknowledge.js';
import type {
  AllocatedSlotReport,
  TaskExecutorToJobManagerHeartbeatPayload,
} from '../types/heartbeat-payloads.js';
import {
  ResourceID,
  type AllocationID,
  type JobID,
  type JobMasterId,
  type ResourceManagerId,
} from '../types/ids.js';
import { JobStatus, isGloballyTerminalJobStatus } from '../types/job-status.js';
import { RegistrationResponse, type JMTMRegistrationResponse } from '../types/registration-response.js';
import type { SlotOffer } from '../types/slot-offer.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import type { TaskManagerRegistrationInformation } from '../types/task-manager-info.js';
import { DefaultScheduler } from './default-scheduler.js';
import { ExecutionGraph } from './execution-graph.js';
import type { JobGraph } from '../types/job-graph.js';
import { ExecutionLostError, JobCancellationError, JobMasterError } from './job-master-errors.js';
import type { JobResult } from '../types/job-result.js';
import type { JobMasterListener } from './job-master-listener.js';
import { ResourceManagerLink } from './resource-manager-link.js';
import { SlotPool, type AllocatedSlot } from './slot-pool.js';

const log = getLogger('JobMaster');

export interface JobMasterServices {
  readonly jobGraph: JobGraph;
  readonly heartbeatServices: HeartbeatServices;
  readonly haServices: Pick<HighAvailabilityServices, 'getResourceManagerLeaderRetriever'>;
  readonly rpcTimeoutMs: number;
  readonly retryingRegistrationConfiguration: RetryingRegistrationConfiguration;
  /** slot.request.timeout and the free redeployments after a lost TaskExecutor. Default: their defaults. */
  readonly jobMasterConfiguration?: JobMasterConfiguration | undefined;
  /** The JobMaster's own ResourceID. Default: `jobmanager_<jobId>`. */
  readonly resourceId?: ResourceID;
  /** Source of delays (restarts, heartbeats, retries); runs in the main thread. Default: the endpoint's timers. */
  readonly scheduler?: ScheduledExecutor;
  /** Times how long tasks run (see SlotPool). Default: the system clock; tests pass a ManualExecutor. */
  readonly clock?: Clock;
  readonly listener?: JobMasterListener;
  readonly endpointId?: string;
  /** The jobmanager's metric group; the job's group in it holds numRestarts. Default: no metrics. */
  readonly jobManagerMetricGroup?: JobManagerMetricGroup;
  /** Connections to TaskExecutors shared with the Dispatcher's other JobMasters. Default: connect anew. */
  readonly taskExecutorConnections?: ConnectionCache<TaskExecutorGateway>;
}

interface TaskManagerRegistration {
  readonly resourceId: ResourceID;
  readonly session: string;
  readonly gateway: TaskExecutorGateway;
  /** Stops the death watch of the TaskExecutor. */
  readonly unwatch: () => void;
}

type RemoteMethods = Omit<JobMasterGateway, 'getAddress' | 'getHostname' | 'getFencingToken'>;

export class JobMaster extends FencedRpcEndpoint<JobMasterId> implements RemoteMethods {
  static override gateways = [JobMasterGateway];

  private readonly jobId: JobID;
  private readonly resourceId: ResourceID;
  private readonly services: JobMasterServices;
  private readonly delayed: ScheduledExecutor;
  private readonly slotPool = new SlotPool();
  private readonly graph: ExecutionGraph;
  private readonly scheduler: DefaultScheduler;
  private readonly registeredTaskManagers = new Map<ResourceID, TaskManagerRegistration>();
  private readonly taskManagerHeartbeatManager: HeartbeatManager<
    TaskExecutorToJobManagerHeartbeatPayload,
    AllocatedSlotReport
  >;
  private readonly resourceManager: ResourceManagerLink;
  private declarationScheduled = false;
  private jobMetricGroup: JobManagerJobMetricGroup | undefined;

  private readonly jobResultFuture: Promise<JobResult>;
  private settleJobResult!: (result: JobResult | Error) => void;

  constructor(rpcService: RpcService, jobMasterId: JobMasterId, services: JobMasterServices) {
    super(
      rpcService,
      jobMasterId,
      services.endpointId ?? `jobmanager_${services.jobGraph.jobId}_${jobMasterId}`,
    );
    this.services = services;
    this.jobId = services.jobGraph.jobId;
    this.resourceId = services.resourceId ?? ResourceID.of(`jobmanager_${this.jobId}`);
    this.delayed = this.mainThreadScheduler(services.scheduler);
    const configuration = services.jobMasterConfiguration ?? JobMasterConfiguration.defaults();
    this.graph = new ExecutionGraph(
      services.jobGraph,
      `${jobMasterId.slice(0, 8)}_`,
      services.listener,
      configuration.lostTaskExecutorRedeployments,
    );
    this.scheduler = new DefaultScheduler({
      graph: this.graph,
      slotPool: this.slotPool,
      executor: this.delayed,
      clock: services.clock ?? kSystemClock,
      rpcTimeoutMs: services.rpcTimeoutMs,
      slotRequestTimeoutMs: configuration.slotRequestTimeoutMs,
      maxFrameBytes: rpcService.system.maxFrameBytes,
      jobMasterId,
      runAsync: (task) => this.runAsync(task),
      requirementsChanged: () => this.requirementsChanged(),
      taskManagerLost: (resourceId, cause) => this.disconnectTaskManagerInternal(resourceId, cause),
      jobEnded: (status, error) => this.jobEnded(status, error),
    });
    this.taskManagerHeartbeatManager = services.heartbeatServices.createHeartbeatManagerSender(
      this.resourceId,
      this.taskManagerHeartbeatListener(),
      this.delayed,
    );
    this.resourceManager = new ResourceManagerLink({
      rpcService,
      jobId: this.jobId,
      jobMasterId,
      resourceId: this.resourceId,
      address: this.getAddress(),
      rpcTimeoutMs: services.rpcTimeoutMs,
      retryingRegistrationConfiguration: services.retryingRegistrationConfiguration,
      leaderRetriever: services.haServices.getResourceManagerLeaderRetriever(),
      heartbeatServices: services.heartbeatServices,
      executor: this.delayed,
      runAsync: (task) => this.runAsync(task),
      mayConnect: () => !isGloballyTerminalJobStatus(this.graph.getStatus()) && this.isRunning(),
      jobStatus: () => this.graph.getStatus(),
      requiredSlots: () => this.scheduler.requiredSlots(),
      heldSlots: () => this.slotPool.size,
      onFatalError: (error) => this.failJobMaster(error),
    });
    this.jobResultFuture = new Promise<JobResult>((resolve, reject) => {
      this.settleJobResult = (result) => (result instanceof Error ? reject(result) : resolve(result));
    });
    this.jobResultFuture.catch(() => {});
  }

  /**
   * Resolves once the job is FINISHED, FAILED or CANCELED and its slots are
   * released; rejects if the JobMaster stops before that (it lost leadership,
   * or the cluster is closing).
   */
  getJobResultFuture(): Promise<JobResult> {
    return this.jobResultFuture;
  }

  getJobStatus(): JobStatus {
    return this.graph.getStatus();
  }

  getResourceID(): ResourceID {
    return this.resourceId;
  }

  /** Cancels the job: running tasks are cancelled, then the job is CANCELED. */
  cancel(): Promise<Acknowledge> {
    return this.callAsync(() => {
      this.scheduler.cancel(new JobCancellationError(`Job ${this.graph.describe()} was cancelled.`));
      return Acknowledge;
    }, this.services.rpcTimeoutMs);
  }

  // ------------------------------------------------------------------ lifecycle

  protected override onStart(): void {
    try {
      log.info(
        `Starting execution of job ${this.graph.describe()} under job master id ${this.getFencingToken()}.`,
      );
      this.jobMetricGroup = this.services.jobManagerMetricGroup?.addJob(
        this.jobId,
        this.services.jobGraph.name,
      );
      this.jobMetricGroup?.gauge('numRestarts', () => this.scheduler.getNumberOfRestarts());
      this.resourceManager.start();
      this.scheduler.startScheduling();
    } catch (error) {
      // A failed onStart terminates the endpoint without onStop: settle the result and stop the heartbeats here.
      this.jobMetricGroup?.close();
      this.taskManagerHeartbeatManager.stop();
      this.resourceManager.stop();
      this.settleJobResult(
        new JobMasterError(`The JobMaster of job ${this.graph.describe()} could not start.`, {
          cause: error,
        }),
      );
      throw error;
    }
  }

  protected override onStop(): void {
    if (this.scheduler.suspend()) {
      this.releaseJobResources(
        new JobMasterError(`The JobMaster of job ${this.graph.describe()} is shutting down.`),
      );
      this.settleJobResult(
        new JobMasterError(
          `The JobMaster stopped before job ${this.graph.describe()} reached a final state.`,
        ),
      );
    }
    this.resourceManager.stop();
    this.taskManagerHeartbeatManager.stop();
    this.jobMetricGroup?.close();
  }

  // ------------------------------------------------------------------ TaskExecutor-facing RPCs

  async registerTaskManager(
    jobId: JobID,
    registration: TaskManagerRegistrationInformation,
    _timeoutMs: number,
  ): Promise<JMTMRegistrationResponse> {
    if (jobId !== this.jobId) {
      log.debug(`Rejecting TaskManager registration attempt because of wrong job id ${jobId}.`);
      return RegistrationResponse.rejection(
        `The JobManager is not responsible for job ${jobId}. Maybe the TaskManager used outdated connection information.`,
      );
    }
    const { resourceId, taskManagerSession } = registration;
    const existing = this.registeredTaskManagers.get(resourceId);
    if (existing?.session === taskManagerSession) return RegistrationResponse.jmtmSuccess(this.resourceId);
    let gateway: TaskExecutorGateway;
    try {
      const address = registration.taskManagerRpcAddress;
      gateway = await (this.services.taskExecutorConnections?.connect(address) ??
        this.getRpcService().connect(address, TaskExecutorGateway));
    } catch (error) {
      return RegistrationResponse.failure(
        `Could not connect to the TaskManager at ${registration.taskManagerRpcAddress}: ${messageOf(error)}`,
      );
    }
    // Back in the main thread: another registration may have finished meanwhile.
    return this.callAsync(() => {
      const current = this.registeredTaskManagers.get(resourceId);
      if (current?.session === taskManagerSession) return RegistrationResponse.jmtmSuccess(this.resourceId);
      if (current) {
        this.disconnectTaskManagerInternal(
          resourceId,
          new JobMasterError(
            'A registered TaskManager re-registered with a new session id. This indicates a restart of the ' +
              'TaskManager. Closing the old connection.',
          ),
        );
      }
      const status = this.graph.getStatus();
      if (isGloballyTerminalJobStatus(status)) {
        return RegistrationResponse.rejection(`Job ${this.jobId} has already reached status ${status}.`);
      }
      // A TaskExecutor whose thread, process or connection is gone is let go at once.
      const unwatch = this.getRpcService().watch(registration.taskManagerRpcAddress, (reason) =>
        this.runAsync(() => {
          if (this.registeredTaskManagers.get(resourceId)?.session !== taskManagerSession) return;
          const message = `TaskManager with id ${resourceId} is no longer reachable: ${reason}`;
          this.disconnectTaskManagerInternal(resourceId, new JobMasterError(message));
        }),
      );
      this.registeredTaskManagers.set(resourceId, {
        resourceId,
        session: taskManagerSession,
        gateway,
        unwatch,
      });
      this.slotPool.registerTaskManager(resourceId);
      this.taskManagerHeartbeatManager.monitorTarget(resourceId, {
        receiveHeartbeat: () => Promise.resolve(),
        requestHeartbeat: (origin, payload) =>
          gateway.heartbeatFromJobManager(ResourceID.of(origin), payload as AllocatedSlotReport),
      });
      log.info(`Registered TaskManager ${resourceId} for job ${this.jobId}.`);
      return RegistrationResponse.jmtmSuccess(this.resourceId);
    }, this.services.rpcTimeoutMs);
  }

  async offerSlots(
    resourceId: ResourceID,
    offers: readonly SlotOffer[],
    _timeoutMs: number,
  ): Promise<SlotOffer[]> {
    const registration = this.registeredTaskManagers.get(resourceId);
    if (!registration) throw new JobMasterError(`Unknown TaskManager ${resourceId}.`);
    if (this.graph.getStatus() !== JobStatus.RUNNING) return [];
    const accepted = this.slotPool.offerSlots(
      resourceId,
      registration.gateway,
      offers,
      this.scheduler.requiredSlots(),
    );
    // Deploy after the answer is on its way; the TaskExecutor activates a slot on submitTask anyway.
    if (accepted.length > 0) this.runAsync(() => this.scheduler.scheduleWaitingTasks());
    this.requirementsChanged();
    return accepted;
  }

  failSlot(resourceId: ResourceID, allocationId: AllocationID, cause: Error): void {
    const registration = this.registeredTaskManagers.get(resourceId);
    if (!registration) {
      log.debug(`Cannot fail slot ${allocationId} because the TaskManager ${resourceId} is unknown.`);
      return;
    }
    const slot = this.slotPool.removeSlot(allocationId);
    if (slot) {
      this.scheduler.failExecutionsInSlot(
        slot,
        new ExecutionLostError(`Slot ${allocationId} failed.`, { cause }),
      );
    }
    if (this.slotPool.slotsOf(resourceId) === 0) {
      // Flink's testReleasingTaskExecutorIfNoMoreSlotsRegistered: nothing left there for this job.
      this.disconnectTaskManagerInternal(
        resourceId,
        new JobMasterError(`No more slots registered at JobMaster ${this.resourceId}.`),
      );
    } else {
      this.requirementsChanged();
      this.scheduler.scheduleWaitingTasks();
    }
  }

  heartbeatFromTaskManager(
    resourceId: ResourceID,
    payload: TaskExecutorToJobManagerHeartbeatPayload,
  ): Promise<void> {
    return this.taskManagerHeartbeatManager.receiveHeartbeat(resourceId, payload);
  }

  async disconnectTaskManager(resourceId: ResourceID, cause: Error): Promise<Acknowledge> {
    this.disconnectTaskManagerInternal(resourceId, cause);
    return Acknowledge;
  }

  async updateTaskExecutionState(state: TaskExecutionState): Promise<Acknowledge> {
    this.scheduler.updateTaskExecutionState(state);
    return Acknowledge;
  }

  updateTaskExecutionStates(states: readonly TaskExecutionState[]): void {
    for (const state of states) {
      try {
        this.scheduler.updateTaskExecutionState(state);
      } catch (error) {
        // A tell has no one to answer: an execution already gone (cancelled, failed over) is expected.
        log.debug(`Ignoring the state ${state.state} of ${state.executionId}: ${messageOf(error)}`);
      }
    }
  }

  // ------------------------------------------------------------------ ResourceManager-facing RPCs

  heartbeatFromResourceManager(resourceId: ResourceID): Promise<void> {
    return this.resourceManager.requestHeartbeat(resourceId);
  }

  disconnectResourceManager(resourceManagerId: ResourceManagerId, cause: Error): void {
    this.resourceManager.disconnectResourceManager(resourceManagerId, cause);
  }

  // ------------------------------------------------------------------ slots and requirements

  /**
   * Frees slots the job no longer needs and declares the new need to the
   * ResourceManager, once per turn of the main thread however many tasks finish in it.
   */
  private requirementsChanged(): void {
    if (this.declarationScheduled) return;
    this.declarationScheduled = true;
    this.runAsync(() => {
      this.declarationScheduled = false;
      for (const slot of this.slotPool.trimFreeSlots(this.scheduler.requiredSlots())) {
        this.freeSlotAt(
          slot,
          withoutStack(() => new JobMasterError('The slot is no longer needed by the job.')),
        );
      }
      // Slots come and go with the need for them: the slot request timeout follows.
      this.scheduler.checkSlotRequests();
      this.resourceManager.declareRequiredResources();
    });
  }

  private freeSlotAt(slot: AllocatedSlot, cause: Error): void {
    slot.gateway.freeSlot(slot.allocationId, cause, this.services.rpcTimeoutMs).catch((error: unknown) => {
      log.debug(`Could not free slot ${slot.allocationId} on ${slot.resourceId}: ${messageOf(error)}`);
    });
  }

  /** The job reached a final state: release what it held, then settle its result. */
  private jobEnded(status: JobStatus, error: Error | undefined): void {
    // A reason, not a failure: sent to every TaskExecutor of the job, so built without a stack.
    this.releaseJobResources(
      error ?? withoutStack(() => new JobMasterError(`Job ${this.jobId} reached state ${status}.`)),
    );
    this.settleJobResult(this.graph.jobResult(status, error));
  }

  /** Frees every slot, lets the TaskExecutors go and tells the ResourceManager the job has ended. */
  private releaseJobResources(cause: Error): void {
    for (const slot of this.slotPool.getAllSlots()) {
      this.slotPool.removeSlot(slot.allocationId);
      this.freeSlotAt(slot, cause);
    }
    for (const resourceId of [...this.registeredTaskManagers.keys()]) {
      this.disconnectTaskManagerInternal(resourceId, cause);
    }
    this.resourceManager.close(cause);
  }

  // ------------------------------------------------------------------ TaskExecutor connections

  private disconnectTaskManagerInternal(resourceId: ResourceID, cause: Error): void {
    const registration = this.registeredTaskManagers.get(resourceId);
    if (!registration) return;
    log.info(`Disconnect TaskExecutor ${resourceId} because: ${cause.message}`);
    this.registeredTaskManagers.delete(resourceId);
    registration.unwatch();
    this.taskManagerHeartbeatManager.unmonitorTarget(resourceId);
    // Made only if a slot is left to fail: at a job's end there is none, and an error's stack costs.
    let lost: ExecutionLostError | undefined;
    for (const slot of this.slotPool.releaseTaskManager(resourceId)) {
      lost ??= new ExecutionLostError(`TaskExecutor ${resourceId} left job ${this.jobId}: ${cause.message}`, {
        cause,
      });
      this.scheduler.failExecutionsInSlot(slot, lost);
    }
    registration.gateway.disconnectJobManager(this.jobId, cause);
    if (this.graph.getStatus() === JobStatus.RUNNING) this.requirementsChanged();
  }

  private taskManagerHeartbeatListener() {
    return heartbeatLossListener<TaskExecutorToJobManagerHeartbeatPayload, AllocatedSlotReport>({
      peer: 'TaskManager',
      timeoutMessage: (resourceId) => `Heartbeat of TaskManager with id ${resourceId} timed out.`,
      lost: (resourceId, message) =>
        this.disconnectTaskManagerInternal(ResourceID.of(resourceId), new JobMasterError(message)),
      reportPayload: (resourceId, payload) => {
        const registration = this.registeredTaskManagers.get(ResourceID.of(resourceId));
        if (!registration) return;
        this.scheduler.reconcileDeployments(
          registration.resourceId,
          payload.executionDeploymentReport,
          (executionId) =>
            registration.gateway.cancelTask(executionId, this.services.rpcTimeoutMs).catch(() => {}),
        );
      },
      retrievePayload: (resourceId) =>
        this.slotPool.createAllocatedSlotReport(this.jobId, ResourceID.of(resourceId)),
    });
  }

  /** Something the job cannot run without broke (leader retrieval, registration): fail the job. */
  private failJobMaster(error: Error): void {
    log.error(`Fatal error in the JobMaster of job ${this.jobId}.`, error.message);
    this.scheduler.failJob(error);
  }
}
