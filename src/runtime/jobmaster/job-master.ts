// The JobMaster: one per job and leader session, it gets slots and runs the
// job's tasks in them. Mirrors Flink's JobMaster with its DefaultScheduler, for
// jobs of independent tasks:
//
// - it registers at the ResourceManager leader and declares how many slots it
//   needs (declareRequiredResources); the ResourceManager asks TaskExecutors to
//   reserve them, and the TaskExecutors register here and offer them;
// - it deploys each waiting task into a free slot (submitTask), follows its
//   states (updateTaskExecutionState) and reuses the slot for the next task;
// - a failed task is restarted after the fixed delay until its attempts run out;
//   then the job fails and the other tasks are cancelled;
// - heartbeats run to every TaskExecutor (sender, with the slots it believes it
//   holds there) and from the ResourceManager (receiver);
// - when the job ends, its slots are freed and the ResourceManager is told.
//
// It is fenced by its JobMasterId. Every asynchronous answer re-checks that it
// still concerns the current execution, TaskExecutor or ResourceManager.

import { getLogger } from '../../actor/logger.js';
import { messageOf } from '../flink-error.js';
import { RecipientUnreachableError } from '../../rpc/errors.js';
import { MainThreadScheduler } from '../../rpc/main-thread-scheduler.js';
import { FencedRpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import {
  kSystemClock,
  type Clock,
  type ScheduledExecutor,
  type ScheduledTask,
} from '../../rpc/scheduled-executor.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import type { HeartbeatListener } from '../heartbeat/heartbeat-listener.js';
import type { HeartbeatManager } from '../heartbeat/heartbeat-manager.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import type { LeaderRetrievalService } from '../highavailability/leader-retrieval.js';
import type { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';
import { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import { Acknowledge } from '../types/acknowledge.js';
import { ExecutionState, isTerminalExecutionState } from '../types/execution-state.js';
import type {
  AllocatedSlotReport,
  TaskExecutorToJobManagerHeartbeatPayload,
} from '../types/heartbeat-payloads.js';
import {
  ExecutionAttemptID,
  ResourceID,
  type AllocationID,
  type JobID,
  type JobMasterId,
  type ResourceManagerId,
} from '../types/ids.js';
import { JobStatus, isGloballyTerminalJobStatus } from '../types/job-status.js';
import {
  RegistrationResponse,
  type JMTMRegistrationResponse,
  type JobMasterRegistrationSuccess,
} from '../types/registration-response.js';
import { ResourceProfile } from '../types/resource-profile.js';
import { ResourceRequirements } from '../types/resource-requirements.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import type { SlotOffer } from '../types/slot-offer.js';
import type { TaskDeploymentDescriptor } from '../types/task-deployment-descriptor.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import type { TaskManagerRegistrationInformation } from '../types/task-manager-info.js';
import { WaitingVertices, type Execution, type ExecutionVertex } from './execution.js';
import type { JobGraph } from './job-graph.js';
import { JobMasterGateway } from '../gateways/job-master-gateway.js';
import {
  ExecutionGraphError,
  ExecutionLostError,
  JobCancellationError,
  JobExecutionError,
  JobMasterError,
} from './job-master-errors.js';
import { JobMasterToResourceManagerConnection } from './job-master-to-resource-manager-connection.js';
import { FixedDelayRestartBackoffTimeStrategy } from './restart-strategy.js';
import { SlotPool, type AllocatedSlot } from './slot-pool.js';

const log = getLogger('JobMaster');

/** One state change of one task attempt, as the JobMaster's listener sees it. */
export interface TaskStateChange {
  readonly jobId: JobID;
  readonly taskIndex: number;
  readonly attemptNumber: number;
  readonly executionId: ExecutionAttemptID;
  readonly state: ExecutionState;
  /** The TaskExecutor the attempt was deployed to (from SCHEDULED on). */
  readonly resourceId: ResourceID | undefined;
  /** Why the attempt FAILED. */
  readonly error?: Error;
  /**
   * The attempt FAILED before it ran: it lost its slot (its TaskExecutor went)
   * and was queued again without using a restart attempt.
   */
  readonly lost?: boolean;
}

/** How a job ended. `results` are in task order (FINISHED only); `error` says why it did not finish. */
export interface JobResult {
  readonly jobId: JobID;
  readonly status: JobStatus;
  readonly results?: unknown[];
  readonly error?: Error;
}

export interface JobMasterListener {
  onTaskStateChange?(change: TaskStateChange): void;
  onJobStatusChange?(status: JobStatus): void;
}

export interface JobMasterServices {
  readonly jobGraph: JobGraph;
  readonly heartbeatServices: HeartbeatServices;
  readonly haServices: Pick<HighAvailabilityServices, 'getResourceManagerLeaderRetriever'>;
  readonly rpcTimeoutMs: number;
  readonly retryingRegistrationConfiguration: RetryingRegistrationConfiguration;
  /** The JobMaster's own ResourceID. Default: `jobmanager_<jobId>`. */
  readonly resourceId?: ResourceID;
  /** Source of delays (restarts, heartbeats, retries); runs in the main thread. Default: the endpoint's timers. */
  readonly scheduler?: ScheduledExecutor;
  /** Times how long tasks run (see SlotPool). Default: the system clock; tests pass a ManualExecutor. */
  readonly clock?: Clock;
  readonly listener?: JobMasterListener;
  readonly endpointId?: string;
}

interface TaskManagerRegistration {
  readonly resourceId: ResourceID;
  readonly session: string;
  readonly gateway: TaskExecutorGateway;
}

interface EstablishedResourceManagerConnection {
  readonly resourceManagerId: ResourceManagerId;
  readonly resourceManagerResourceId: ResourceID;
  readonly gateway: ResourceManagerGateway;
}

type RemoteMethods = Omit<JobMasterGateway, 'getAddress' | 'getHostname' | 'getFencingToken'>;

export class JobMaster extends FencedRpcEndpoint<JobMasterId> implements RemoteMethods {
  static override gateways = [JobMasterGateway];

  private readonly jobGraph: JobGraph;
  private readonly jobId: JobID;
  private readonly resourceId: ResourceID;
  private readonly services: JobMasterServices;
  private readonly delayed: ScheduledExecutor;
  private readonly clock: Clock;
  private readonly slotPool = new SlotPool();
  private readonly vertices: ExecutionVertex[];
  private readonly waiting = new WaitingVertices();
  /** The executions in flight (not terminal), by id. */
  private readonly executions = new Map<ExecutionAttemptID, Execution>();
  private readonly results: unknown[];
  private finishedTasks = 0;
  private status: JobStatus = JobStatus.CREATED;
  /** Why the job is failing or cancelling; the job's error once it ends. */
  private terminationCause: Error | undefined;
  private readonly executionIdPrefix: string;

  private readonly registeredTaskManagers = new Map<ResourceID, TaskManagerRegistration>();
  private readonly taskManagerHeartbeatManager: HeartbeatManager<
    TaskExecutorToJobManagerHeartbeatPayload,
    AllocatedSlotReport
  >;
  private readonly resourceManagerHeartbeatManager: HeartbeatManager<void, void>;
  private readonly resourceManagerLeaderRetriever: LeaderRetrievalService;
  private resourceManagerAddress: { address: string; resourceManagerId: ResourceManagerId } | undefined;
  private resourceManagerConnection: JobMasterToResourceManagerConnection | undefined;
  private establishedResourceManagerConnection: EstablishedResourceManagerConnection | undefined;
  private declaredSlots = -1;
  private terminationTimer: ScheduledTask | undefined;
  private declarationScheduled = false;

  private readonly jobResultFuture: Promise<JobResult>;
  private settleJobResult!: (result: JobResult | Error) => void;

  constructor(rpcService: RpcService, jobMasterId: JobMasterId, services: JobMasterServices) {
    super(
      rpcService,
      jobMasterId,
      services.endpointId ?? `jobmanager_${services.jobGraph.jobId}_${jobMasterId}`,
    );
    this.services = services;
    this.jobGraph = services.jobGraph;
    this.jobId = services.jobGraph.jobId;
    this.resourceId = services.resourceId ?? ResourceID.of(`jobmanager_${this.jobId}`);
    this.clock = services.clock ?? kSystemClock;
    this.executionIdPrefix = `${jobMasterId.slice(0, 8)}_`;
    this.delayed = services.scheduler
      ? new MainThreadScheduler(services.scheduler, (task) => this.runAsync(task))
      : this.getMainThreadExecutor();
    this.vertices = this.jobGraph.tasks.map((invokable, taskIndex) => ({
      taskIndex,
      invokable,
      restartStrategy: new FixedDelayRestartBackoffTimeStrategy(this.jobGraph.restartStrategy),
      current: undefined,
      nextAttemptNumber: 0,
      restartTimer: undefined,
    }));
    this.results = new Array<unknown>(this.vertices.length);
    this.resourceManagerLeaderRetriever = services.haServices.getResourceManagerLeaderRetriever();
    this.taskManagerHeartbeatManager = services.heartbeatServices.createHeartbeatManagerSender(
      this.resourceId,
      this.taskManagerHeartbeatListener(),
      this.delayed,
    );
    this.resourceManagerHeartbeatManager = services.heartbeatServices.createHeartbeatManager(
      this.resourceId,
      this.resourceManagerHeartbeatListener(),
      this.delayed,
    );
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
    return this.status;
  }

  getResourceID(): ResourceID {
    return this.resourceId;
  }

  /** Cancels the job: running tasks are cancelled, then the job is CANCELED. */
  cancel(): Promise<Acknowledge> {
    return this.callAsync(() => {
      if (this.status === JobStatus.RUNNING || this.status === JobStatus.CREATED) {
        this.beginTermination(
          JobStatus.CANCELLING,
          new JobCancellationError(`Job ${this.describeJob()} was cancelled.`),
        );
      }
      return Acknowledge;
    }, this.services.rpcTimeoutMs);
  }

  // ------------------------------------------------------------------ lifecycle

  protected override onStart(): void {
    try {
      this.startJobExecution();
    } catch (error) {
      // A failed onStart terminates the endpoint without onStop: settle the result and stop the timers here.
      this.taskManagerHeartbeatManager.stop();
      this.resourceManagerHeartbeatManager.stop();
      if (this.delayed instanceof MainThreadScheduler) this.delayed.cancelAll();
      this.settleJobResult(
        new JobMasterError(`The JobMaster of job ${this.describeJob()} could not start.`, { cause: error }),
      );
      throw error;
    }
  }

  private startJobExecution(): void {
    log.info(
      `Starting execution of job ${this.describeJob()} under job master id ${this.getFencingToken()}.`,
    );
    this.resourceManagerLeaderRetriever.start({
      notifyLeaderAddress: (address, sessionId) =>
        this.runAsync(() => this.notifyOfNewResourceManagerLeader(address, sessionId)),
      handleError: (error) => this.runAsync(() => this.failJobMaster(error)),
    });
    this.transitionTo(JobStatus.RUNNING);
    for (const vertex of this.vertices) {
      this.emit(vertex, undefined, ExecutionState.CREATED);
      this.waiting.push(vertex);
    }
    this.requirementsChanged();
  }

  protected override onStop(): void {
    const cause = new JobMasterError(`The JobMaster of job ${this.describeJob()} is shutting down.`);
    for (const vertex of this.vertices) vertex.restartTimer?.cancel();
    this.terminationTimer?.cancel();
    if (!isGloballyTerminalJobStatus(this.status)) {
      // As Flink's JobMaster on stop: the job is SUSPENDED, not over; its tasks go.
      this.transitionTo(JobStatus.SUSPENDED);
      this.waiting.clear();
      for (const execution of [...this.executions.values()]) this.cancelExecution(execution);
      this.releaseJobResources(this.status, cause);
      this.settleJobResult(
        new JobMasterError(`The JobMaster stopped before job ${this.describeJob()} reached a final state.`),
      );
    }
    this.resourceManagerLeaderRetriever.stop();
    this.taskManagerHeartbeatManager.stop();
    this.resourceManagerHeartbeatManager.stop();
    this.resourceManagerConnection?.close();
    if (this.delayed instanceof MainThreadScheduler) this.delayed.cancelAll();
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
      gateway = await this.getRpcService().connect(registration.taskManagerRpcAddress, TaskExecutorGateway);
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
      if (isGloballyTerminalJobStatus(this.status)) {
        return RegistrationResponse.rejection(`Job ${this.jobId} has already reached status ${this.status}.`);
      }
      this.registeredTaskManagers.set(resourceId, { resourceId, session: taskManagerSession, gateway });
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
    if (this.status !== JobStatus.RUNNING) return [];
    const accepted = this.slotPool.offerSlots(resourceId, registration.gateway, offers, this.requiredSlots());
    // Deploy after the answer is on its way; the TaskExecutor activates a slot on submitTask anyway.
    if (accepted.length > 0) this.runAsync(() => this.scheduleWaitingTasks());
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
    if (slot)
      this.failExecutionInSlot(slot, new ExecutionLostError(`Slot ${allocationId} failed.`, { cause }));
    if (this.slotPool.slotsOf(resourceId) === 0) {
      // Flink's testReleasingTaskExecutorIfNoMoreSlotsRegistered: nothing left there for this job.
      this.disconnectTaskManagerInternal(
        resourceId,
        new JobMasterError(`No more slots registered at JobMaster ${this.resourceId}.`),
      );
    } else {
      this.requirementsChanged();
      this.scheduleWaitingTasks();
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
    const execution = this.executions.get(state.executionId);
    if (!execution || state.jobId !== this.jobId) {
      throw new ExecutionGraphError(`The execution attempt ${state.executionId} was not found.`);
    }
    switch (state.state) {
      case ExecutionState.RUNNING:
        if (execution.state === ExecutionState.DEPLOYING) {
          execution.state = ExecutionState.RUNNING;
          execution.runningSince = this.clock.now();
          this.emitExecution(execution);
        }
        break;
      case ExecutionState.FINISHED:
        this.markFinished(execution, state.result);
        break;
      case ExecutionState.FAILED:
        this.failExecution(execution, this.errorOf(state, 'failed'));
        break;
      case ExecutionState.CANCELED:
        if (execution.state === ExecutionState.CANCELING) this.markCanceled(execution);
        else this.failExecution(execution, this.errorOf(state, 'was cancelled on its TaskExecutor'));
        break;
      default:
        throw new ExecutionGraphError(`Unexpected state ${state.state} for execution ${state.executionId}.`);
    }
    return Acknowledge;
  }

  // ------------------------------------------------------------------ ResourceManager-facing RPCs

  heartbeatFromResourceManager(resourceId: ResourceID): Promise<void> {
    return this.resourceManagerHeartbeatManager.requestHeartbeat(resourceId, undefined);
  }

  disconnectResourceManager(resourceManagerId: ResourceManagerId, cause: Error): void {
    if (this.resourceManagerAddress?.resourceManagerId !== resourceManagerId) {
      log.debug(
        `No need to disconnect from ResourceManager ${resourceManagerId}: it is not the current one.`,
      );
      return;
    }
    this.reconnectToResourceManager(cause);
  }

  // ------------------------------------------------------------------ scheduling

  /** Deploys waiting tasks into free slots, oldest first. */
  private scheduleWaitingTasks(): void {
    if (this.status !== JobStatus.RUNNING) return;
    for (;;) {
      // Queue behind a running task only while there is work for every slot (see SlotPool).
      const mayQueue = this.waiting.length >= this.slotPool.size;
      if (this.waiting.length === 0 || !this.slotPool.hasRoom(mayQueue)) return;
      const vertex = this.waiting.shift() as ExecutionVertex;
      const attemptNumber = vertex.nextAttemptNumber++;
      const executionId = ExecutionAttemptID.of(
        `${this.executionIdPrefix}${vertex.taskIndex}_${attemptNumber}`,
      );
      const slot = this.slotPool.assignFreeSlot(executionId, mayQueue) as AllocatedSlot;
      const execution: Execution = {
        executionId,
        vertex,
        attemptNumber,
        state: ExecutionState.SCHEDULED,
        slot,
        deployed: false,
        runningSince: 0,
      };
      vertex.current = execution;
      this.executions.set(executionId, execution);
      this.emitExecution(execution);
      this.deploy(execution, slot);
    }
  }

  private deploy(execution: Execution, slot: AllocatedSlot): void {
    execution.state = ExecutionState.DEPLOYING;
    this.emitExecution(execution);
    const tdd: TaskDeploymentDescriptor = {
      jobId: this.jobId,
      executionId: execution.executionId,
      allocationId: slot.allocationId,
      taskIndex: execution.vertex.taskIndex,
      attemptNumber: execution.attemptNumber,
      invokable: execution.vertex.invokable,
    };
    slot.gateway.submitTask(tdd, this.getFencingToken(), this.services.rpcTimeoutMs).then(
      // Set directly (this thread, no mailbox turn): it is only read by heartbeat reconciliation.
      () => {
        if (this.executions.get(execution.executionId) === execution) execution.deployed = true;
      },
      (error: unknown) =>
        this.runAsync(() => {
          if (this.executions.get(execution.executionId) !== execution) return;
          if (error instanceof RecipientUnreachableError) {
            // The TaskExecutor is gone, before the ResourceManager said so: let it go now, or its
            // slots would look free and take (and fail) every task that follows.
            this.disconnectTaskManagerInternal(slot.resourceId, error);
            return;
          }
          this.failExecution(
            execution,
            // Not an ExecutionLostError: a refused deployment counts as a failure, or it would be retried forever.
            new JobMasterError(`Could not deploy task ${execution.vertex.taskIndex}: ${messageOf(error)}`, {
              cause: error,
            }),
          );
        }),
    );
  }

  private markFinished(execution: Execution, result: unknown): void {
    if (!this.retire(execution, ExecutionState.FINISHED)) return;
    const vertex = execution.vertex;
    this.results[vertex.taskIndex] = result;
    this.finishedTasks++;
    this.emitExecution(execution);
    if (this.status === JobStatus.RUNNING) {
      if (this.finishedTasks === this.vertices.length) {
        this.completeJob(JobStatus.FINISHED, undefined);
        return;
      }
      this.scheduleWaitingTasks();
      this.requirementsChanged();
    } else {
      this.checkTerminationComplete();
    }
  }

  private failExecution(execution: Execution, error: Error): void {
    const neverRan =
      execution.state === ExecutionState.SCHEDULED || execution.state === ExecutionState.DEPLOYING;
    if (!this.retire(execution, ExecutionState.FAILED)) return;
    const vertex = execution.vertex;
    // A task that was still waiting in a slot that went away did not fail: it only lost its place.
    const lost = neverRan && error instanceof ExecutionLostError;
    this.emitExecution(execution, error, lost);
    if (this.status !== JobStatus.RUNNING) {
      this.checkTerminationComplete();
      return;
    }
    if (lost) {
      this.requeue(vertex);
      return;
    }
    vertex.restartStrategy.notifyFailure();
    if (!vertex.restartStrategy.canRestart()) {
      const attempts = vertex.restartStrategy.getNumberOfFailures();
      this.beginTermination(
        JobStatus.FAILING,
        new JobExecutionError(
          `Job ${this.describeJob()} failed: task ${vertex.taskIndex} failed ${attempts} time${attempts === 1 ? '' : 's'} ` +
            `and has no restart attempts left. ${error.name}: ${error.message}`,
          { cause: error },
        ),
      );
      return;
    }
    const backoff = vertex.restartStrategy.getBackoffTime();
    log.info(
      `Task ${vertex.taskIndex} of job ${this.jobId} failed; restarting it in ${backoff} ms.`,
      error.message,
    );
    if (backoff === 0) {
      this.requeue(vertex);
      return;
    }
    vertex.restartTimer = this.delayed.schedule(() => {
      vertex.restartTimer = undefined;
      if (this.status === JobStatus.RUNNING) this.requeue(vertex);
    }, backoff);
    // Meanwhile the freed slot serves the next waiting task.
    this.scheduleWaitingTasks();
  }

  /** A new attempt of `vertex` waits for a slot, ahead of tasks that never ran: it has waited its turn once. */
  private requeue(vertex: ExecutionVertex): void {
    this.emit(vertex, undefined, ExecutionState.CREATED);
    this.waiting.pushFront(vertex);
    this.scheduleWaitingTasks();
  }

  private markCanceled(execution: Execution): void {
    if (!this.retire(execution, ExecutionState.CANCELED)) return;
    this.emitExecution(execution);
    this.checkTerminationComplete();
  }

  /** Ends an execution's time in flight: it leaves the table and gives its slot back. False if it already had. */
  private retire(execution: Execution, state: ExecutionState): boolean {
    if (
      isTerminalExecutionState(execution.state) ||
      this.executions.get(execution.executionId) !== execution
    ) {
      return false;
    }
    execution.state = state;
    this.executions.delete(execution.executionId);
    execution.vertex.current = undefined;
    if (execution.slot) {
      this.slotPool.releaseAssignment(
        execution.slot.allocationId,
        execution.executionId,
        state === ExecutionState.FINISHED ? this.clock.now() - execution.runningSince : undefined,
      );
    }
    return true;
  }

  private failExecutionInSlot(slot: AllocatedSlot, error: Error): void {
    for (const executionId of [...slot.executionIds]) {
      const execution = this.executions.get(executionId);
      if (execution) this.failExecution(execution, error);
    }
  }

  private cancelExecution(execution: Execution): void {
    if (isTerminalExecutionState(execution.state) || execution.state === ExecutionState.CANCELING) return;
    execution.state = ExecutionState.CANCELING;
    this.emitExecution(execution);
    const slot = execution.slot;
    if (!slot || !this.slotPool.getSlot(slot.allocationId)) {
      this.markCanceled(execution);
      return;
    }
    slot.gateway.cancelTask(execution.executionId, this.services.rpcTimeoutMs).catch((error: unknown) =>
      // Not there (any more) or unreachable: nothing runs that could still report.
      this.runAsync(() => {
        log.debug(`Could not cancel execution ${execution.executionId}: ${messageOf(error)}`);
        this.markCanceled(execution);
      }),
    );
  }

  // ------------------------------------------------------------------ job status

  /** FAILING or CANCELLING: cancel everything in flight, then end in FAILED or CANCELED. */
  private beginTermination(status: 'FAILING' | 'CANCELLING', cause: Error): void {
    if (this.status !== JobStatus.RUNNING && this.status !== JobStatus.CREATED) return;
    this.terminationCause = cause;
    this.transitionTo(status);
    this.waiting.clear();
    for (const vertex of this.vertices) {
      vertex.restartTimer?.cancel();
      vertex.restartTimer = undefined;
    }
    for (const execution of [...this.executions.values()]) this.cancelExecution(execution);
    // A TaskExecutor that never answers must not keep the job from ending.
    this.terminationTimer = this.delayed.schedule(() => {
      for (const execution of [...this.executions.values()]) this.markCanceled(execution);
    }, this.services.rpcTimeoutMs);
    this.checkTerminationComplete();
  }

  private checkTerminationComplete(): void {
    if (this.executions.size > 0) return;
    if (this.status === JobStatus.FAILING) this.completeJob(JobStatus.FAILED, this.terminationCause);
    else if (this.status === JobStatus.CANCELLING)
      this.completeJob(JobStatus.CANCELED, this.terminationCause);
  }

  private completeJob(status: JobStatus, error: Error | undefined): void {
    this.terminationTimer?.cancel();
    this.terminationTimer = undefined;
    this.transitionTo(status);
    log.info(`Job ${this.describeJob()} reached the final state ${status}.`);
    this.releaseJobResources(
      status,
      error ?? new JobMasterError(`Job ${this.jobId} reached state ${status}.`),
    );
    this.settleJobResult(
      status === JobStatus.FINISHED
        ? { jobId: this.jobId, status, results: this.results }
        : { jobId: this.jobId, status, ...(error ? { error } : {}) },
    );
  }

  /** Frees every slot, lets the TaskExecutors go and tells the ResourceManager the job has ended. */
  private releaseJobResources(status: JobStatus, cause: Error): void {
    for (const slot of this.slotPool.getAllSlots()) {
      this.slotPool.removeSlot(slot.allocationId);
      this.freeSlotAt(slot, cause);
    }
    for (const resourceId of [...this.registeredTaskManagers.keys()]) {
      this.disconnectTaskManagerInternal(resourceId, cause);
    }
    this.declaredSlots = 0;
    const established = this.establishedResourceManagerConnection;
    if (established) {
      established.gateway.disconnectJobManager(this.jobId, status, cause);
      this.resourceManagerHeartbeatManager.unmonitorTarget(established.resourceManagerResourceId);
    }
    this.establishedResourceManagerConnection = undefined;
    this.resourceManagerConnection?.close();
    this.resourceManagerConnection = undefined;
  }

  private transitionTo(status: JobStatus): void {
    if (this.status === status) return;
    this.status = status;
    try {
      this.services.listener?.onJobStatusChange?.(status);
    } catch (error) {
      log.warn('A job status listener failed.', error);
    }
  }

  // ------------------------------------------------------------------ slots and requirements

  /** Slots the job can use now: one per task that is not finished. */
  private requiredSlots(): number {
    return this.status === JobStatus.RUNNING ? this.vertices.length - this.finishedTasks : 0;
  }

  /**
   * Frees slots the job no longer needs and declares the new need to the
   * ResourceManager, once per turn of the main thread however many tasks finish in it.
   */
  private requirementsChanged(): void {
    if (this.declarationScheduled) return;
    this.declarationScheduled = true;
    this.runAsync(() => {
      this.declarationScheduled = false;
      const required = this.requiredSlots();
      for (const slot of this.slotPool.trimFreeSlots(required)) {
        this.freeSlotAt(slot, new JobMasterError('The slot is no longer needed by the job.'));
      }
      this.declareRequiredResources(required);
    });
  }

  private declareRequiredResources(required: number): void {
    const established = this.establishedResourceManagerConnection;
    if (!established || required === this.declaredSlots) return;
    // While more tasks remain than the job holds slots, any slot the ResourceManager can still find is
    // welcome, so a lower need changes nothing yet; one declaration per finished task would only cost.
    if (this.declaredSlots > required && required > this.slotPool.size) return;
    this.declaredSlots = required;
    const requirements = ResourceRequirements.create(this.jobId, this.getAddress(), [
      { resourceProfile: ResourceProfile.UNKNOWN, numberOfRequiredSlots: required },
    ]);
    established.gateway
      .declareRequiredResources(this.getFencingToken(), requirements, this.services.rpcTimeoutMs)
      .catch((error: unknown) =>
        this.runAsync(() => {
          if (this.establishedResourceManagerConnection !== established) return;
          log.warn(`Could not declare the job's resource requirements: ${messageOf(error)}`);
          this.declaredSlots = -1;
        }),
      );
  }

  private freeSlotAt(slot: AllocatedSlot, cause: Error): void {
    slot.gateway.freeSlot(slot.allocationId, cause, this.services.rpcTimeoutMs).catch((error: unknown) => {
      log.debug(`Could not free slot ${slot.allocationId} on ${slot.resourceId}: ${messageOf(error)}`);
    });
  }

  // ------------------------------------------------------------------ TaskExecutor connections

  private disconnectTaskManagerInternal(resourceId: ResourceID, cause: Error): void {
    const registration = this.registeredTaskManagers.get(resourceId);
    if (!registration) return;
    log.info(`Disconnect TaskExecutor ${resourceId} because: ${cause.message}`);
    this.registeredTaskManagers.delete(resourceId);
    this.taskManagerHeartbeatManager.unmonitorTarget(resourceId);
    const lost = new ExecutionLostError(
      `TaskExecutor ${resourceId} left job ${this.jobId}: ${cause.message}`,
      {
        cause,
      },
    );
    for (const slot of this.slotPool.releaseTaskManager(resourceId)) this.failExecutionInSlot(slot, lost);
    registration.gateway.disconnectJobManager(this.jobId, cause);
    if (this.status === JobStatus.RUNNING) this.requirementsChanged();
  }

  private taskManagerHeartbeatListener(): HeartbeatListener<
    TaskExecutorToJobManagerHeartbeatPayload,
    AllocatedSlotReport
  > {
    return {
      notifyHeartbeatTimeout: (resourceId) =>
        this.disconnectTaskManagerInternal(
          ResourceID.of(resourceId),
          new JobMasterError(`Heartbeat of TaskManager with id ${resourceId} timed out.`),
        ),
      notifyTargetUnreachable: (resourceId) =>
        this.disconnectTaskManagerInternal(
          ResourceID.of(resourceId),
          new JobMasterError(`TaskManager with id ${resourceId} is no longer reachable.`),
        ),
      reportPayload: (resourceId, payload) =>
        this.reconcileDeployments(ResourceID.of(resourceId), payload.executionDeploymentReport),
      retrievePayload: (resourceId) =>
        this.slotPool.createAllocatedSlotReport(this.jobId, ResourceID.of(resourceId)),
    };
  }

  /**
   * Mirrors Flink's ExecutionDeploymentReconciler: an execution this JobMaster
   * deployed there that the TaskExecutor does not report is lost; one the
   * TaskExecutor reports that this JobMaster does not know is cancelled.
   */
  private reconcileDeployments(resourceId: ResourceID, reported: readonly ExecutionAttemptID[]): void {
    const registration = this.registeredTaskManagers.get(resourceId);
    if (!registration) return;
    const reportedIds = new Set(reported);
    for (const execution of [...this.executions.values()]) {
      if (execution.slot?.resourceId !== resourceId || !execution.deployed) continue;
      if (!reportedIds.has(execution.executionId)) {
        this.failExecution(
          execution,
          new ExecutionLostError(
            `Execution ${execution.executionId} is missing on TaskExecutor ${resourceId}.`,
          ),
        );
      }
    }
    for (const executionId of reportedIds) {
      if (!this.executions.has(executionId)) {
        registration.gateway.cancelTask(executionId, this.services.rpcTimeoutMs).catch(() => {});
      }
    }
  }

  // ------------------------------------------------------------------ ResourceManager connection

  private notifyOfNewResourceManagerLeader(address: string | null, sessionId: string | null): void {
    if (isGloballyTerminalJobStatus(this.status) || !this.isRunning()) return;
    this.resourceManagerAddress =
      address !== null && sessionId !== null
        ? { address, resourceManagerId: sessionId as ResourceManagerId }
        : undefined;
    this.reconnectToResourceManager(
      new JobMasterError(`ResourceManager leader changed to new address ${address ?? 'null'}`),
    );
  }

  private reconnectToResourceManager(cause: Error): void {
    this.closeResourceManagerConnection(cause);
    if (isGloballyTerminalJobStatus(this.status) || !this.resourceManagerAddress) return;
    const { address, resourceManagerId } = this.resourceManagerAddress;
    log.info(`Connecting to ResourceManager ${address} (${resourceManagerId}).`);
    const connection = new JobMasterToResourceManagerConnection(
      this.getRpcService(),
      this.services.retryingRegistrationConfiguration,
      address,
      resourceManagerId,
      this.delayed,
      {
        onRegistrationSuccess: (registered, success) =>
          this.runAsync(() => this.establishResourceManagerConnection(registered, success)),
        onRegistrationFailure: (failed, failure) =>
          this.runAsync(() => {
            if (this.resourceManagerConnection === failed) this.failJobMaster(failure);
          }),
      },
      {
        jobMasterId: this.getFencingToken(),
        jobManagerResourceId: this.resourceId,
        jobManagerAddress: this.getAddress(),
        jobId: this.jobId,
      },
    );
    this.resourceManagerConnection = connection;
    connection.start();
  }

  private establishResourceManagerConnection(
    connection: JobMasterToResourceManagerConnection,
    success: JobMasterRegistrationSuccess,
  ): void {
    if (this.resourceManagerConnection !== connection || isGloballyTerminalJobStatus(this.status)) return;
    const gateway = connection.getTargetGateway() as ResourceManagerGateway;
    const established: EstablishedResourceManagerConnection = {
      resourceManagerId: success.resourceManagerId,
      resourceManagerResourceId: success.resourceManagerResourceId,
      gateway,
    };
    this.establishedResourceManagerConnection = established;
    this.resourceManagerHeartbeatManager.monitorTarget(success.resourceManagerResourceId, {
      receiveHeartbeat: (origin) => gateway.heartbeatFromJobManager(ResourceID.of(origin)),
      requestHeartbeat: () => Promise.resolve(),
    });
    this.declaredSlots = -1;
    this.declareRequiredResources(this.requiredSlots());
  }

  private closeResourceManagerConnection(cause: Error): void {
    const established = this.establishedResourceManagerConnection;
    if (established) {
      this.establishedResourceManagerConnection = undefined;
      this.resourceManagerHeartbeatManager.unmonitorTarget(established.resourceManagerResourceId);
      established.gateway.disconnectJobManager(this.jobId, this.status, cause);
    }
    this.resourceManagerConnection?.close();
    this.resourceManagerConnection = undefined;
  }

  private resourceManagerHeartbeatListener(): HeartbeatListener<void, void> {
    const lost = (resourceId: string, message: string) => {
      if (this.establishedResourceManagerConnection?.resourceManagerResourceId !== resourceId) return;
      log.info(message);
      this.reconnectToResourceManager(new JobMasterError(message));
    };
    return {
      notifyHeartbeatTimeout: (resourceId) =>
        lost(resourceId, `The heartbeat of ResourceManager with id ${resourceId} timed out.`),
      notifyTargetUnreachable: (resourceId) =>
        lost(resourceId, `ResourceManager with id ${resourceId} is no longer reachable.`),
      reportPayload: () => {},
      retrievePayload: () => undefined,
    };
  }

  /** Something the job cannot run without broke (leader retrieval, registration): fail the job. */
  private failJobMaster(error: Error): void {
    log.error(`Fatal error in the JobMaster of job ${this.jobId}.`, error.message);
    this.beginTermination(
      JobStatus.FAILING,
      new JobExecutionError(`Job ${this.describeJob()} failed: ${error.message}`, { cause: error }),
    );
  }

  // ------------------------------------------------------------------ helpers

  private emitExecution(execution: Execution, error?: Error, lost = false): void {
    this.emit(execution.vertex, execution, execution.state, error, lost);
  }

  private emit(
    vertex: ExecutionVertex,
    execution: Execution | undefined,
    state: ExecutionState,
    error?: Error,
    lost = false,
  ): void {
    const listener = this.services.listener?.onTaskStateChange;
    if (!listener) return;
    try {
      listener({
        jobId: this.jobId,
        taskIndex: vertex.taskIndex,
        attemptNumber: execution?.attemptNumber ?? vertex.nextAttemptNumber,
        executionId:
          execution?.executionId ??
          ExecutionAttemptID.of(`${this.executionIdPrefix}${vertex.taskIndex}_${vertex.nextAttemptNumber}`),
        state,
        resourceId: execution?.slot?.resourceId,
        ...(error ? { error } : {}),
        ...(lost ? { lost } : {}),
      });
    } catch (listenerError) {
      log.warn('A task state listener failed.', listenerError);
    }
  }

  private errorOf(state: TaskExecutionState, what: string): Error {
    if (state.error) return SerializedThrowable.deserialize(state.error, `task ${state.executionId}`);
    return new ExecutionGraphError(`Execution ${state.executionId} ${what}.`);
  }

  private describeJob(): string {
    return `'${this.jobGraph.name}' (${this.jobId})`;
  }
}
