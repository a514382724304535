// The TaskExecutor: one per worker thread, it offers the thread's slots to the
// cluster. Mirrors Flink's TaskExecutor: it finds the ResourceManager leader,
// registers with retries inside a registration deadline, reports its slots and
// answers heartbeats; it allocates slots on the ResourceManager's request and
// offers them to the job's JobMaster, found through the JobLeaderService; it
// runs the tasks the JobMaster submits into those slots, each slot's tasks on
// the slot's own worker thread, and reports their states to that JobMaster.
//
// Every asynchronous callback runs in the endpoint's main thread and first checks
// that what it answers is still current (the connection object, the leader's
// ResourceID, the JobMasterId, the offer id, the timeout ticket or id), because a
// reply may arrive after the world it was asked in has gone.

import { nanoid } from 'nanoid';

import { getLogger } from '../../actor/logger.js';
import { RpcFrameSizeError, RpcSerializationError, RpcTimeoutError } from '../../rpc/errors.js';
import { MainThreadScheduler } from '../../rpc/main-thread-scheduler.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import type { TaskManagerConfiguration } from '../configuration/task-manager-configuration.js';
import { FlinkError } from '../flink-error.js';
import type { HeartbeatListener } from '../heartbeat/heartbeat-listener.js';
import type { HeartbeatManager } from '../heartbeat/heartbeat-manager.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import type { LeaderRetrievalService } from '../highavailability/leader-retrieval.js';
import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import type { RegistrationConnectionListener } from '../registration/registration-connection-listener.js';
import type { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';
import { Acknowledge } from '../types/acknowledge.js';
import { ExecutionState, isTerminalExecutionState } from '../types/execution-state.js';
import type {
  AllocatedSlotReport,
  TaskExecutorHeartbeatPayload,
  TaskExecutorToJobManagerHeartbeatPayload,
} from '../types/heartbeat-payloads.js';
import type {
  AllocationID,
  ExecutionAttemptID,
  JobID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
} from '../types/ids.js';
import type {
  JMTMRegistrationSuccess,
  RegistrationRejection,
  TaskExecutorRegistrationSuccess,
} from '../types/registration-response.js';
import { ResourceProfile } from '../types/resource-profile.js';
import { SlotID } from '../types/slot-id.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import type { SlotOffer } from '../types/slot-offer.js';
import type { TaskDeploymentDescriptor } from '../types/task-deployment-descriptor.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import type { HardwareDescription, TaskExecutorRegistration } from '../types/task-executor-registration.js';
import type { EstablishedResourceManagerConnection, JobManagerConnection } from './connections.js';
import { DefaultJobLeaderService } from './default-job-leader-service.js';
import type { FatalErrorHandler } from './fatal-error-handler.js';
import type { JobLeaderListener, JobLeaderService } from './job-leader-service.js';
import { DefaultTimerService } from './slot/default-timer-service.js';
import { SlotNotFoundError } from './slot/slot-errors.js';
import { TaskSlotTable } from './slot/task-slot-table.js';
import type { TimeoutTicket } from './slot/timer-service.js';
import { SlotWorker } from './task/slot-worker.js';
import { Task } from './task/task.js';
import { TaskResultError } from './task/task-errors.js';
import type { TaskManagerActions } from './task/task-manager-actions.js';
import { defaultTaskRunnerEntry } from './task/task-runner-entry.js';
import { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import {
  SlotAllocationError,
  SlotOccupiedError,
  TaskManagerError,
  TaskNotFoundError,
  TaskSubmissionError,
} from '../gateways/task-executor-errors.js';
import { RegistrationTimeoutError } from './task-executor-errors.js';
import { TaskExecutorToResourceManagerConnection } from './task-executor-to-resource-manager-connection.js';

const log = getLogger('TaskExecutor');

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
   * The worker entry that runs tasks (workers/task-runner.js). Default: found
   * relative to this module (see task/task-runner-entry.ts).
   */
  readonly taskRunnerEntry?: URL;
}

interface JobEntry {
  readonly jobId: JobID;
  connection: JobManagerConnection | undefined;
  /** The tasks submitted under `connection` report through these. */
  taskManagerActions: TaskManagerActions | undefined;
}

function logStateUpdateFailure(error: unknown): void {
  log.debug('Could not report a task execution state to the JobMaster.', error);
}

export class TaskExecutor
  extends RpcEndpoint
  implements Omit<TaskExecutorGateway, 'getAddress' | 'getHostname'>
{
  static override gateways = [TaskExecutorGateway];

  private readonly resourceId: ResourceID;
  private readonly configuration: TaskManagerConfiguration;
  private readonly services: TaskExecutorServices;
  /** Delays from the scheduler, execution in the main thread. */
  private readonly delayed: ScheduledExecutor;
  private readonly taskSlotTable: TaskSlotTable<Task>;
  private readonly taskRunnerEntry: URL;
  /** The worker of each allocated slot that has run a task; ended when the slot is freed. */
  private readonly slotWorkers = new Map<AllocationID, SlotWorker>();
  private readonly closingSlotWorkers = new Set<Promise<void>>();
  private readonly jobLeaderService: JobLeaderService;
  private readonly totalResourceProfile: ResourceProfile;
  private readonly resourceManagerLeaderRetriever: LeaderRetrievalService;
  private readonly resourceManagerHeartbeatManager: HeartbeatManager<void, TaskExecutorHeartbeatPayload>;
  private readonly jobManagerHeartbeatManager: HeartbeatManager<
    AllocatedSlotReport,
    TaskExecutorToJobManagerHeartbeatPayload
  >;

  private resourceManagerAddress: { address: string; resourceManagerId: ResourceManagerId } | undefined;
  private resourceManagerConnection: TaskExecutorToResourceManagerConnection | undefined;
  private establishedResourceManagerConnection: EstablishedResourceManagerConnection | undefined;
  private currentRegistrationTimeoutId: string | undefined;
  private registrationTimeoutTask: ScheduledTask | undefined;
  private readonly jobTable = new Map<JobID, JobEntry>();
  private readonly currentSlotOfferPerJob = new Map<JobID, string>();
  private stopping = false;
  private jobLeaderServiceStopped = false;

  constructor(rpcService: RpcService, services: TaskExecutorServices) {
    super(rpcService, services.endpointId ?? `taskmanager_${services.resourceId}`);
    this.services = services;
    this.resourceId = services.resourceId;
    this.configuration = services.configuration;
    this.delayed = this.mainThreadTimers(services.scheduler);
    this.totalResourceProfile =
      services.totalResourceProfile ?? ResourceProfile.of({ cpuCores: services.configuration.numberSlots });
    this.taskRunnerEntry = services.taskRunnerEntry ?? defaultTaskRunnerEntry();
    this.taskSlotTable = new TaskSlotTable<Task>({
      numberSlots: this.configuration.numberSlots,
      totalResourceProfile: this.totalResourceProfile,
      timerService: new DefaultTimerService<AllocationID>(this.delayed),
    });
    this.jobLeaderService =
      services.jobLeaderService ??
      new DefaultJobLeaderService(
        { resourceId: this.resourceId },
        this.configuration.retryingRegistrationConfiguration,
        this.delayed,
      );
    this.resourceManagerLeaderRetriever = services.haServices.getResourceManagerLeaderRetriever();
    this.resourceManagerHeartbeatManager = services.heartbeatServices.createHeartbeatManager(
      this.resourceId,
      this.resourceManagerHeartbeatListener(),
      this.delayed,
    );
    this.jobManagerHeartbeatManager = services.heartbeatServices.createHeartbeatManager(
      this.resourceId,
      this.jobManagerHeartbeatListener(),
      this.delayed,
    );
  }

  getResourceID(): ResourceID {
    return this.resourceId;
  }

  /** Whether a registration at the ResourceManager `resourceManagerId` is established. */
  isConnectedToResourceManager(resourceManagerId?: ResourceManagerId): boolean {
    return (
      this.establishedResourceManagerConnection !== undefined &&
      (resourceManagerId === undefined ||
        this.resourceManagerAddress?.resourceManagerId === resourceManagerId)
    );
  }

  // ------------------------------------------------------------------ lifecycle

  protected override onStart(): void {
    try {
      this.resourceManagerLeaderRetriever.start({
        notifyLeaderAddress: (address, sessionId) =>
          this.runAsync(() => this.notifyOfNewResourceManagerLeader(address, sessionId)),
        handleError: (error) => this.onFatalError(error),
      });
      this.taskSlotTable.start({
        freeSlot: (allocationId) =>
          this.runAsync(() =>
            this.freeSlotInternal(
              allocationId,
              new FlinkError(`TaskSlotTable requested freeing the TaskSlot ${allocationId}.`),
            ),
          ),
        timeoutSlot: (allocationId, ticket) => this.runAsync(() => this.timeoutSlot(allocationId, ticket)),
      });
      this.jobLeaderService.start(
        this.getAddress(),
        this.getRpcService(),
        this.services.haServices,
        this.jobLeaderListener(),
      );
      this.startRegistrationTimeout();
    } catch (cause) {
      const error = new TaskManagerError('Could not start the TaskExecutor.', { cause });
      this.stopTaskExecutorServices();
      this.onFatalError(error);
      throw error;
    }
  }

  protected override async onStop(): Promise<void> {
    this.stopping = true;
    const cause = new TaskManagerError('The TaskExecutor is shutting down.');
    // FLINK-13769: close the ResourceManager connection first, so nothing reconnects.
    this.closeResourceManagerConnection(cause);
    for (const jobId of [...this.jobTable.keys()]) this.closeJob(jobId, cause);
    this.stopRegistrationTimeout();
    try {
      // Settles once every task has ended, and so has the worker it ran on (Flink's testTaskSlotTableTerminationOnShutdown).
      await this.taskSlotTable.closeAsync();
    } finally {
      this.stopTaskExecutorServices();
      for (const allocationId of [...this.slotWorkers.keys()]) this.closeSlotWorker(allocationId);
      await Promise.all(this.closingSlotWorkers);
    }
  }

  private stopTaskExecutorServices(): void {
    this.resourceManagerLeaderRetriever.stop();
    if (!this.jobLeaderServiceStopped) {
      this.jobLeaderServiceStopped = true;
      try {
        this.jobLeaderService.stop();
      } catch (error) {
        log.debug('The JobLeaderService was not running.', error);
      }
    }
    this.resourceManagerHeartbeatManager.stop();
    this.jobManagerHeartbeatManager.stop();
    if (this.delayed instanceof MainThreadScheduler) this.delayed.cancelAll();
  }

  // ------------------------------------------------------------------ TaskExecutorGateway

  requestSlot(
    slotId: SlotID,
    jobId: JobID,
    allocationId: AllocationID,
    resourceProfile: ResourceProfile,
    targetAddress: string,
    resourceManagerId: ResourceManagerId,
  ): Promise<Acknowledge> {
    log.info(
      `Receive slot request ${allocationId} for job ${jobId} from resource manager ${resourceManagerId}.`,
    );
    // FLINK-9427: a request may overtake the registration; only a registered RM may allocate.
    if (!this.isConnectedToResourceManager(resourceManagerId)) {
      throw new TaskManagerError(
        `TaskManager is not connected to the resource manager ${resourceManagerId}.`,
      );
    }
    this.allocateSlot(slotId, jobId, allocationId, resourceProfile);
    let job = this.jobTable.get(jobId);
    if (!job) {
      try {
        this.jobLeaderService.addJob(jobId, targetAddress);
      } catch (cause) {
        this.freeSlotInternal(allocationId, new FlinkError('Could not create new job.', { cause }));
        throw new SlotAllocationError('Could not create new job.', { cause });
      }
      job = { jobId, connection: undefined, taskManagerActions: undefined };
      this.jobTable.set(jobId, job);
    }
    if (job.connection) this.offerSlotsToJobManager(jobId);
    return Promise.resolve(Acknowledge);
  }

  /**
   * Runs a task in one of the job's slots. Refused unless the job's JobMaster is
   * connected under `jobMasterId` and the slot is allocated to the job; the slot
   * becomes active, even if its offer has not been answered yet.
   */
  submitTask(tdd: TaskDeploymentDescriptor, jobMasterId: JobMasterId): Promise<Acknowledge> {
    const { jobId, allocationId, executionId } = tdd;
    const job = this.jobTable.get(jobId);
    const connection = job?.connection;
    if (!connection || !job.taskManagerActions) {
      throw new TaskSubmissionError(
        `Could not submit task because there is no JobManager associated for the job ${jobId}.`,
      );
    }
    if (connection.jobMasterId !== jobMasterId) {
      throw new TaskSubmissionError(
        `Rejecting the task submission because the job manager leader id ${jobMasterId} does not match ` +
          `the expected job manager leader id ${connection.jobMasterId}.`,
      );
    }
    if (!this.taskSlotTable.tryMarkSlotActive(jobId, allocationId)) {
      throw new TaskSubmissionError(
        `No task slot allocated for job ID ${jobId} and allocation ID ${allocationId}.`,
      );
    }
    // The table keys tasks by execution id across slots; a duplicate in another slot would replace the first.
    if (this.taskSlotTable.getTask(executionId) !== undefined) {
      throw new TaskSubmissionError(`TaskManager already contains a task for id ${executionId}.`);
    }
    const task = new Task(tdd, this.slotWorkerOf(allocationId), job.taskManagerActions);
    let added: boolean;
    try {
      added = this.taskSlotTable.addTask(task);
    } catch (cause) {
      throw new TaskSubmissionError(`Could not submit task ${executionId}.`, { cause });
    }
    if (!added) throw new TaskSubmissionError(`TaskManager already contains a task for id ${executionId}.`);
    task.start();
    return Promise.resolve(Acknowledge);
  }

  /** Cancels a task: its worker is ended, then CANCELED goes to its JobMaster. */
  cancelTask(executionId: ExecutionAttemptID): Promise<Acknowledge> {
    const task = this.taskSlotTable.getTask(executionId);
    if (!task) throw new TaskNotFoundError(`Cannot find task to cancel for execution ${executionId}.`);
    task.cancel();
    return Promise.resolve(Acknowledge);
  }

  freeSlot(allocationId: AllocationID, cause: Error): Promise<Acknowledge> {
    this.freeSlotInternal(allocationId, cause);
    return Promise.resolve(Acknowledge);
  }

  freeInactiveSlots(jobId: JobID): void {
    log.debug(`Freeing inactive slots for job ${jobId}.`);
    for (const slot of this.taskSlotTable.getAllocatedSlots(jobId)) {
      this.freeSlotInternal(slot.allocationId, new FlinkError('Slot was re-claimed by resource manager.'));
    }
  }

  heartbeatFromJobManager(resourceId: ResourceID, allocatedSlotReport: AllocatedSlotReport): Promise<void> {
    return this.jobManagerHeartbeatManager.requestHeartbeat(resourceId, allocatedSlotReport);
  }

  heartbeatFromResourceManager(resourceId: ResourceID): Promise<void> {
    return this.resourceManagerHeartbeatManager.requestHeartbeat(resourceId, undefined);
  }

  disconnectJobManager(jobId: JobID, cause: Error): void {
    const connection = this.jobTable.get(jobId)?.connection;
    if (connection && !this.stopping) {
      this.disconnectJobManagerConnection(connection, cause);
      this.jobLeaderService.reconnect(jobId);
    }
  }

  disconnectResourceManager(cause: Error): void {
    if (!this.stopping) this.reconnectToResourceManager(cause);
  }

  /** No result partitions live here, so nothing keeps a TaskExecutor from being released. */
  canBeReleased(): Promise<boolean> {
    return Promise.resolve(true);
  }

  // ------------------------------------------------------------------ ResourceManager connection

  private notifyOfNewResourceManagerLeader(address: string | null, sessionId: string | null): void {
    // FLINK-13769: a TaskExecutor that is stopping never connects again.
    if (this.stopping) return;
    this.resourceManagerAddress =
      address !== null && sessionId !== null
        ? { address, resourceManagerId: sessionId as ResourceManagerId }
        : undefined;
    this.reconnectToResourceManager(
      new TaskManagerError(`ResourceManager leader changed to new address ${address ?? 'null'}`),
    );
  }

  private reconnectToResourceManager(cause: Error): void {
    if (this.stopping) return;
    this.closeResourceManagerConnection(cause);
    this.startRegistrationTimeout();
    if (this.resourceManagerAddress) this.connectToResourceManager(this.resourceManagerAddress);
  }

  private connectToResourceManager(target: { address: string; resourceManagerId: ResourceManagerId }): void {
    log.info(`Connecting to ResourceManager ${target.address} (${target.resourceManagerId}).`);
    const registration: TaskExecutorRegistration = {
      taskExecutorAddress: this.getAddress(),
      resourceId: this.resourceId,
      defaultSlotResourceProfile: this.taskSlotTable.defaultSlotResourceProfile,
      totalResourceProfile: this.totalResourceProfile,
      ...(this.services.hardwareDescription
        ? { hardwareDescription: this.services.hardwareDescription }
        : {}),
    };
    const connection = new TaskExecutorToResourceManagerConnection(
      this.getRpcService(),
      this.configuration.retryingRegistrationConfiguration,
      target.address,
      target.resourceManagerId,
      this.delayed,
      this.resourceManagerRegistrationListener(),
      registration,
    );
    this.resourceManagerConnection = connection;
    connection.start();
  }

  private resourceManagerRegistrationListener(): RegistrationConnectionListener<
    TaskExecutorToResourceManagerConnection,
    TaskExecutorRegistrationSuccess,
    RegistrationRejection
  > {
    return {
      onRegistrationSuccess: (connection, success) =>
        this.runAsync(() => {
          // A success of a connection that has since been replaced is not ours to act on.
          if (this.resourceManagerConnection !== connection) return;
          const gateway = connection.getTargetGateway();
          if (!gateway) return;
          try {
            this.establishResourceManagerConnection(gateway, success);
          } catch (error) {
            log.error('Establishing the ResourceManager connection failed.', error);
          }
        }),
      onRegistrationFailure: (failure) => this.onFatalError(failure),
      onRegistrationRejection: (targetAddress, rejection) =>
        this.onFatalError(
          new TaskManagerError(
            `The TaskExecutor's registration at the ResourceManager ${targetAddress} has been rejected: ${rejection.reason}`,
          ),
        ),
    };
  }

  private establishResourceManagerConnection(
    gateway: ResourceManagerGateway,
    success: TaskExecutorRegistrationSuccess,
  ): void {
    const { registrationId: instanceId, resourceManagerResourceId } = success;
    log.info(
      `Successful registration at resource manager ${gateway.getAddress()} under registration id ${instanceId}.`,
    );
    gateway
      .sendSlotReport(
        this.resourceId,
        instanceId,
        this.taskSlotTable.createSlotReport(this.resourceId),
        this.configuration.rpcTimeoutMs,
      )
      .catch((cause: unknown) =>
        this.runAsync(() => {
          if (this.establishedResourceManagerConnection?.instanceId !== instanceId) return;
          this.reconnectToResourceManager(
            new TaskManagerError('Failed to send initial slot report to ResourceManager.', { cause }),
          );
        }),
      );
    this.resourceManagerHeartbeatManager.monitorTarget(resourceManagerResourceId, {
      receiveHeartbeat: (resourceId, payload) =>
        gateway.heartbeatFromTaskManager(resourceId as ResourceID, payload as TaskExecutorHeartbeatPayload),
      // The ResourceManager is the sender; it never asks us to request one.
      requestHeartbeat: () => Promise.resolve(),
    });
    this.establishedResourceManagerConnection = { gateway, resourceManagerResourceId, instanceId };
    this.stopRegistrationTimeout();
  }

  private closeResourceManagerConnection(cause: Error): void {
    const established = this.establishedResourceManagerConnection;
    if (established) {
      log.info(`Close ResourceManager connection ${established.resourceManagerResourceId}.`, cause.message);
      this.resourceManagerHeartbeatManager.unmonitorTarget(established.resourceManagerResourceId);
      established.gateway.disconnectTaskManager(this.resourceId, cause);
      this.establishedResourceManagerConnection = undefined;
    }
    if (this.resourceManagerConnection) {
      this.resourceManagerConnection.close();
      this.resourceManagerConnection = undefined;
    }
  }

  private handleResourceManagerConnectionLoss(resourceManagerResourceId: string, cause: Error): void {
    // FLINK-8462: a timeout of an earlier leader must not tear down the current connection.
    if (this.establishedResourceManagerConnection?.resourceManagerResourceId !== resourceManagerResourceId) {
      log.debug(`Ignoring the loss of ResourceManager ${resourceManagerResourceId}: not the current one.`);
      return;
    }
    log.info(cause.message);
    this.reconnectToResourceManager(cause);
  }

  private resourceManagerHeartbeatListener(): HeartbeatListener<void, TaskExecutorHeartbeatPayload> {
    return {
      notifyHeartbeatTimeout: (resourceId) =>
        this.handleResourceManagerConnectionLoss(
          resourceId,
          new TaskManagerError(`The heartbeat of ResourceManager with id ${resourceId} timed out.`),
        ),
      notifyTargetUnreachable: (resourceId) =>
        this.handleResourceManagerConnectionLoss(
          resourceId,
          new TaskManagerError(`ResourceManager with id ${resourceId} is no longer reachable.`),
        ),
      reportPayload: () => {},
      retrievePayload: () => ({ slotReport: this.taskSlotTable.createSlotReport(this.resourceId) }),
    };
  }

  // ------------------------------------------------------------------ registration deadline

  private startRegistrationTimeout(): void {
    const maxRegistrationDuration = this.configuration.maxRegistrationDurationMs;
    this.registrationTimeoutTask?.cancel();
    this.registrationTimeoutTask = undefined;
    if (maxRegistrationDuration === null) return;
    const timeoutId = nanoid();
    this.currentRegistrationTimeoutId = timeoutId;
    this.registrationTimeoutTask = this.delayed.schedule(
      () => this.registrationTimeout(timeoutId),
      maxRegistrationDuration,
    );
  }

  private stopRegistrationTimeout(): void {
    this.currentRegistrationTimeoutId = undefined;
    // Flink leaves the task to run and find its id stale; cancelling keeps no timer alive.
    this.registrationTimeoutTask?.cancel();
    this.registrationTimeoutTask = undefined;
  }

  private registrationTimeout(timeoutId: string): void {
    if (timeoutId !== this.currentRegistrationTimeoutId) return;
    this.onFatalError(
      new RegistrationTimeoutError(
        `Could not register at the ResourceManager within the specified maximum registration duration ` +
          `${this.configuration.maxRegistrationDurationMs} ms. This indicates a problem with this instance. ` +
          'Terminating now.',
      ),
    );
  }

  // ------------------------------------------------------------------ slots

  private allocateSlot(
    slotId: SlotID,
    jobId: JobID,
    allocationId: AllocationID,
    resourceProfile: ResourceProfile,
  ): void {
    const index = slotId.slotNumber;
    if (!Number.isInteger(index) || index >= this.taskSlotTable.numberSlots) {
      throw new SlotAllocationError(
        `Slot ${index} does not exist: this TaskExecutor has ${this.taskSlotTable.numberSlots} slots.`,
      );
    }
    if (this.taskSlotTable.isSlotFree(index)) {
      if (
        !this.taskSlotTable.allocateSlot(
          index,
          jobId,
          allocationId,
          resourceProfile,
          this.configuration.slotTimeoutMs,
        )
      ) {
        throw new SlotAllocationError('Could not allocate slot.');
      }
    } else if (!this.taskSlotTable.isAllocated(index, jobId, allocationId)) {
      const current = this.taskSlotTable.getCurrentAllocation(index) as AllocationID;
      const owner = this.taskSlotTable.getOwningJob(current) as JobID;
      throw new SlotOccupiedError(
        `Slot ${index} has already been allocated for job ${owner}.`,
        current,
        owner,
      );
    }
  }

  private freeSlotInternal(allocationId: AllocationID, cause: Error): void {
    if (this.stopping) return;
    let jobId: JobID | undefined;
    try {
      jobId = this.taskSlotTable.getOwningJob(allocationId);
      const index = this.taskSlotTable.freeSlot(allocationId, cause);
      if (index !== -1) {
        this.closeSlotWorker(allocationId);
        const established = this.establishedResourceManagerConnection;
        established?.gateway.notifySlotAvailable(
          established.instanceId,
          SlotID.of(this.resourceId, index),
          allocationId,
        );
      }
    } catch (error) {
      if (!(error instanceof SlotNotFoundError)) throw error;
      log.debug(`Could not free slot for allocation id ${allocationId}.`);
      return;
    }
    if (jobId !== undefined) this.closeJobManagerConnectionIfNoAllocatedResources(jobId);
  }

  private timeoutSlot(allocationId: AllocationID, ticket: TimeoutTicket): void {
    if (this.stopping || !this.taskSlotTable.isValidTimeout(allocationId, ticket)) return;
    this.freeSlotInternal(allocationId, new TaskManagerError(`The slot ${allocationId} has timed out.`));
  }

  private closeJobManagerConnectionIfNoAllocatedResources(jobId: JobID): void {
    if (this.taskSlotTable.getAllocationIdsPerJob(jobId).size > 0) return;
    this.closeJob(
      jobId,
      new FlinkError(`TaskExecutor ${this.getAddress()} has no more allocated slots for job ${jobId}.`),
    );
  }

  /** Forgets the job: disconnects its JobMaster, frees its slots and stops looking for its leader. */
  private closeJob(jobId: JobID, cause: Error): void {
    const job = this.jobTable.get(jobId);
    if (!job) return;
    this.jobTable.delete(jobId);
    this.currentSlotOfferPerJob.delete(jobId);
    if (job.connection) this.disconnectJobManagerConnection(job.connection, cause);
    for (const allocationId of this.taskSlotTable.getAllocationIdsPerJob(jobId)) {
      this.freeSlotInternal(allocationId, cause);
    }
    this.jobLeaderService.removeJob(jobId);
  }

  // ------------------------------------------------------------------ JobMaster connections

  private jobLeaderListener(): JobLeaderListener {
    return {
      jobManagerGainedLeadership: (jobId, gateway, registration) =>
        this.runAsync(() => this.establishJobManagerConnection(jobId, gateway, registration)),
      jobManagerLostLeadership: (jobId) =>
        this.runAsync(() => {
          const connection = this.jobTable.get(jobId)?.connection;
          // As Flink, whichever JobMaster is connected goes: the lost leader may be a newer one whose
          // registration never finished, and then the connected one is no longer the leader either.
          if (!connection) return;
          this.disconnectJobManagerConnection(
            connection,
            new FlinkError(`Job leader for job id ${jobId} lost leadership.`),
          );
        }),
      handleError: (error) => this.onFatalError(error),
      jobManagerRejectedRegistration: (jobId, targetAddress) =>
        this.runAsync(() =>
          this.closeJob(jobId, new FlinkError(`JobManager ${targetAddress} has rejected the registration.`)),
        ),
    };
  }

  private establishJobManagerConnection(
    jobId: JobID,
    gateway: JobMasterGateway,
    registration: JMTMRegistrationSuccess,
  ): void {
    const job = this.jobTable.get(jobId);
    if (!job || this.stopping) return;
    const jobMasterId = gateway.getFencingToken();
    if (job.connection) {
      if (job.connection.jobMasterId === jobMasterId) return;
      this.disconnectJobManagerConnection(
        job.connection,
        new FlinkError(`Found new job leader for job id ${jobId}.`),
      );
    }
    log.info(`Establish JobManager connection for job ${jobId}.`);
    const connection: JobManagerConnection = {
      jobId,
      jobMasterId,
      gateway,
      resourceId: registration.resourceId,
    };
    job.connection = connection;
    job.taskManagerActions = {
      updateTaskExecutionState: (task, state) =>
        this.runAsync(() => this.updateTaskExecutionState(connection, task, state)),
    };
    this.jobManagerHeartbeatManager.monitorTarget(registration.resourceId, {
      receiveHeartbeat: (resourceId, payload) =>
        gateway.heartbeatFromTaskManager(
          resourceId as ResourceID,
          payload as TaskExecutorToJobManagerHeartbeatPayload,
        ),
      requestHeartbeat: () => Promise.resolve(),
    });
    this.offerSlotsToJobManager(jobId);
  }

  private disconnectJobManagerConnection(connection: JobManagerConnection, cause: Error): void {
    const job = this.jobTable.get(connection.jobId);
    if (job?.connection === connection) {
      job.connection = undefined;
      job.taskManagerActions = undefined;
    }
    const failure = new FlinkError(`Disconnect from JobManager responsible for ${connection.jobId}.`, {
      cause,
    });
    for (const task of this.taskSlotTable.getTasks(connection.jobId)) task.failExternally(failure);
    // The slots stay reserved for the job, inactive, until its next leader takes them or they time out.
    for (const allocationId of this.taskSlotTable.getActiveTaskSlotAllocationIdsPerJob(connection.jobId)) {
      let deactivated = false;
      try {
        deactivated = this.taskSlotTable.markSlotInactive(allocationId, this.configuration.slotTimeoutMs);
      } catch (error) {
        if (!(error instanceof SlotNotFoundError)) throw error;
      }
      if (!deactivated) this.freeSlotInternal(allocationId, cause);
    }
    this.jobManagerHeartbeatManager.unmonitorTarget(connection.resourceId);
    connection.gateway.disconnectTaskManager(this.resourceId, cause).catch((error: unknown) => {
      log.debug(`Could not tell JobManager of job ${connection.jobId} about the disconnect.`, error);
    });
  }

  private findJobManagerConnection(resourceId: string): JobManagerConnection | undefined {
    for (const job of this.jobTable.values()) {
      if (job.connection?.resourceId === resourceId) return job.connection;
    }
    return undefined;
  }

  private handleJobManagerConnectionLoss(resourceId: string, cause: Error): void {
    const connection = this.findJobManagerConnection(resourceId);
    if (!connection || this.stopping) return;
    log.info(cause.message);
    this.disconnectJobManagerConnection(connection, cause);
    this.jobLeaderService.reconnect(connection.jobId);
  }

  private jobManagerHeartbeatListener(): HeartbeatListener<
    AllocatedSlotReport,
    TaskExecutorToJobManagerHeartbeatPayload
  > {
    return {
      notifyHeartbeatTimeout: (resourceId) =>
        this.handleJobManagerConnectionLoss(
          resourceId,
          new TaskManagerError(`The heartbeat of JobManager with id ${resourceId} timed out.`),
        ),
      notifyTargetUnreachable: (resourceId) =>
        this.handleJobManagerConnectionLoss(
          resourceId,
          new TaskManagerError(`JobManager with id ${resourceId} is no longer reachable.`),
        ),
      reportPayload: (resourceId, report) => {
        const connection = this.findJobManagerConnection(resourceId);
        if (connection) this.syncSlotsWithSnapshotFromJobMaster(connection, report);
      },
      retrievePayload: (resourceId) => {
        const connection = this.findJobManagerConnection(resourceId);
        const tasks = connection ? this.taskSlotTable.getTasks(connection.jobId) : [];
        return { executionDeploymentReport: tasks.map((task) => task.executionId) };
      },
    };
  }

  /** Heartbeats carry the JobMaster's view of its slots; reconcile both sides with it. */
  private syncSlotsWithSnapshotFromJobMaster(
    connection: JobManagerConnection,
    report: AllocatedSlotReport,
  ): void {
    const { jobId } = report;
    for (const { slotIndex, allocationId } of report.allocatedSlotInfos) {
      if (!this.taskSlotTable.isAllocated(slotIndex, jobId, allocationId)) {
        connection.gateway.failSlot(
          this.resourceId,
          allocationId,
          new FlinkError(`Could not find slot ${allocationId} on TaskExecutor ${this.resourceId}.`),
        );
      }
    }
    const reported = new Set(report.allocatedSlotInfos.map((info) => info.allocationId));
    for (const allocationId of this.taskSlotTable.getActiveTaskSlotAllocationIdsPerJob(jobId)) {
      if (!reported.has(allocationId)) {
        this.freeSlotInternal(allocationId, new FlinkError('Slot was no longer known to the JobMaster.'));
      }
    }
  }

  // ------------------------------------------------------------------ slot offers

  private offerSlotsToJobManager(jobId: JobID): void {
    const connection = this.jobTable.get(jobId)?.connection;
    if (!connection || !this.taskSlotTable.hasAllocatedSlots(jobId)) return;
    const offers: SlotOffer[] = this.taskSlotTable
      .getAllocatedSlots(jobId)
      .map((slot) => slot.generateSlotOffer());
    // FLINK-21859: only the answer to the newest offer may free or activate slots.
    const offerId = nanoid();
    this.currentSlotOfferPerJob.set(jobId, offerId);
    log.info(`Offer reserved slots to the leader of job ${jobId}.`);
    connection.gateway.offerSlots(this.resourceId, offers, this.configuration.rpcTimeoutMs).then(
      (accepted) => this.runAsync(() => this.handleAcceptedSlotOffers(connection, offers, offerId, accepted)),
      (error: unknown) => this.runAsync(() => this.handleFailedSlotOffer(connection, offers, offerId, error)),
    );
  }

  private isCurrentOffer(jobId: JobID, offerId: string): boolean {
    if (this.currentSlotOfferPerJob.get(jobId) === offerId) return true;
    log.debug(`Discard slot offer response since there is a newer offer for the job ${jobId}.`);
    return false;
  }

  private handleFailedSlotOffer(
    connection: JobManagerConnection,
    offers: readonly SlotOffer[],
    offerId: string,
    error: unknown,
  ): void {
    if (!this.isCurrentOffer(connection.jobId, offerId)) return;
    // The JobMaster that failed the offer is no longer the job's leader: the slots wait for the next one.
    if (!this.isJobManagerConnectionValid(connection.jobId, connection.jobMasterId)) return;
    if (error instanceof RpcTimeoutError) {
      log.info('Slot offering to JobManager did not finish in time. Retrying the slot offering.');
      this.offerSlotsToJobManager(connection.jobId);
      return;
    }
    const cause = error instanceof Error ? error : new FlinkError(String(error));
    log.warn(
      'Slot offering to JobManager failed. Freeing the slots and returning them to the ResourceManager.',
    );
    for (const offer of offers) this.freeSlotInternal(offer.allocationId, cause);
  }

  private handleAcceptedSlotOffers(
    connection: JobManagerConnection,
    offers: readonly SlotOffer[],
    offerId: string,
    accepted: readonly SlotOffer[],
  ): void {
    const { jobId } = connection;
    if (!this.isCurrentOffer(jobId, offerId)) return;
    if (!this.isJobManagerConnectionValid(jobId, connection.jobMasterId)) {
      log.debug(`Discard offer slot response since there is a new leader for the job ${jobId}.`);
      return;
    }
    const acceptedIds = new Set<AllocationID>();
    for (const { allocationId } of accepted) {
      acceptedIds.add(allocationId);
      let activated = false;
      try {
        activated = this.taskSlotTable.markSlotActive(allocationId);
      } catch (error) {
        if (!(error instanceof SlotNotFoundError)) throw error;
      }
      if (!activated) {
        const message = `Could not mark slot ${allocationId} active.`;
        log.debug(message);
        connection.gateway.failSlot(this.resourceId, allocationId, new FlinkError(message));
      }
    }
    const rejected = new FlinkError('The slot was rejected by the JobManager.');
    for (const offer of offers) {
      if (!acceptedIds.has(offer.allocationId)) this.freeSlotInternal(offer.allocationId, rejected);
    }
  }

  private isJobManagerConnectionValid(jobId: JobID, jobMasterId: JobMasterId): boolean {
    return this.jobTable.get(jobId)?.connection?.jobMasterId === jobMasterId;
  }

  // ------------------------------------------------------------------ tasks

  /**
   * A task changed state: a final one first takes the task out of the slot table
   * (Flink's unregisterTaskAndNotifyFinalState), then every state goes to the
   * JobMaster the task was submitted by. If that fails, the JobMaster still learns
   * which executions are here from the heartbeat's deployment report.
   */
  private updateTaskExecutionState(
    connection: JobManagerConnection,
    task: Task,
    state: TaskExecutionState,
  ): void {
    if (isTerminalExecutionState(state.state) && this.taskSlotTable.getTask(task.executionId) === task) {
      this.taskSlotTable.removeTask(task.executionId);
    }
    log.debug('Task', task.executionId, 'switched to', state.state);
    const update = connection.gateway.updateTaskExecutionState(state);
    if (state.state !== ExecutionState.FINISHED) {
      update.catch(logStateUpdateFailure);
      return;
    }
    update.catch((error: unknown) => {
      // The result did not fit into a message to the JobMaster: the task counts as FAILED.
      if (!(error instanceof RpcFrameSizeError || error instanceof RpcSerializationError)) {
        logStateUpdateFailure(error);
        return;
      }
      const failed: TaskExecutionState = {
        jobId: state.jobId,
        executionId: state.executionId,
        state: ExecutionState.FAILED,
        error: SerializedThrowable.of(
          new TaskResultError(`The task's return value could not be sent to the JobMaster.`, {
            cause: error,
          }),
        ),
      };
      connection.gateway.updateTaskExecutionState(failed).catch(logStateUpdateFailure);
    });
  }

  /** The worker of the allocation's slot, made on first use; it starts its thread with its first task. */
  private slotWorkerOf(allocationId: AllocationID): SlotWorker {
    let slotWorker = this.slotWorkers.get(allocationId);
    if (!slotWorker) {
      // One worker per allocation, not per slot index: a job's modules and globals must not meet the next job's.
      slotWorker = new SlotWorker(this.taskRunnerEntry, `task slot ${allocationId} of ${this.resourceId}`);
      this.slotWorkers.set(allocationId, slotWorker);
    }
    return slotWorker;
  }

  private closeSlotWorker(allocationId: AllocationID): void {
    const slotWorker = this.slotWorkers.get(allocationId);
    if (!slotWorker) return;
    this.slotWorkers.delete(allocationId);
    const closing = slotWorker.close();
    this.closingSlotWorkers.add(closing);
    void closing.then(() => this.closingSlotWorkers.delete(closing));
  }

  // ------------------------------------------------------------------ helpers

  private onFatalError(error: Error): void {
    log.error('Fatal error occurred in TaskExecutor.', error.message);
    try {
      this.services.fatalErrorHandler.onFatalError(error);
    } catch (handlerError) {
      log.error('The fatal error handler failed.', handlerError);
    }
  }

  private mainThreadTimers(scheduler: ScheduledExecutor | undefined): ScheduledExecutor {
    if (!scheduler) return this.getMainThreadExecutor();
    return new MainThreadScheduler(scheduler, (task) => this.runAsync(task));
  }
}
