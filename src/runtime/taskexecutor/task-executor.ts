// The TaskExecutor: one per worker thread, it offers the thread's slots to the
// cluster. Mirrors Flink's TaskExecutor: it finds the ResourceManager leader,
// registers with retries inside a registration deadline, reports its slots and
// answers heartbeats (resource-manager-link.ts); it allocates slots on the
// ResourceManager's request and offers them to the job's JobMaster, found
// through the JobLeaderService (slot-offers.ts); it runs the tasks the JobMaster
// submits into those slots, each slot's tasks on the slot's own worker thread
// (slot-workers.ts), and reports their states to that JobMaster. This file holds
// the gateway surface, the lifecycle and the wiring of those parts.
//
// Every asynchronous callback runs in the endpoint's main thread and first checks
// that what it answers is still current (the connection object, the leader's
// ResourceID, the JobMasterId, the offer id, the timeout ticket or id), because a
// reply may arrive after the world it was asked in has gone.

import { getLogger } from '../../actor/logger.js';
import { withoutStack } from '../../actor/stackless-error.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { TaskManagerConfiguration } from '../configuration/task-manager-configuration.js';
import { FlinkError } from '../flink-error.js';
import {
  SlotAllocationError,
  SlotOccupiedError,
  TaskManagerError,
  TaskNotFoundError,
  TaskSubmissionError,
} from '../gateways/task-executor-errors.js';
import { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import { Acknowledge } from '../types/acknowledge.js';
import { isTerminalExecutionState } from '../types/execution-state.js';
import type { AllocatedSlotReport } from '../types/heartbeat-payloads.js';
import type {
  AllocationID,
  ExecutionAttemptID,
  JobID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
} from '../types/ids.js';
import { ResourceProfile } from '../types/resource-profile.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import { SlotID } from '../types/slot-id.js';
import type { TaskDeploymentDescriptor } from '../types/task-deployment-descriptor.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import { DefaultJobLeaderService } from './default-job-leader-service.js';
import type { JobLeaderService } from './job-leader-service.js';
import { JobLeaderConnections } from './job-leader-connections.js';
import { JobTable, type JobManagerConnection } from './job-table.js';
import { LogRing } from './log-ring.js';
import { ResourceManagerLink } from './resource-manager-link.js';
import { DefaultTimerService } from './slot/default-timer-service.js';
import { SlotNotFoundError } from './slot/slot-errors.js';
import { TaskSlotTable } from './slot/task-slot-table.js';
import type { TimeoutTicket } from './slot/timer-service.js';
import { SlotOffers } from './slot-offers.js';
import { SlotWorkers } from './slot-workers.js';
import { Task } from './task/task.js';
import { checkTaskSubmission } from './task/task-submission-checks.js';
import { TaskCode } from './task/task-code.js';
import { kTaskSlotWorkerEntry } from '../../worker-entries.js';
import { TaskExecutorMetrics } from './task-executor-metrics.js';
import type { TaskExecutorServices } from './task-executor-services.js';
import type { MetricDumpSnapshot } from '../metrics/metric-dump.js';

const log = getLogger('TaskExecutor');

export type { TaskExecutorServices };

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
  private readonly slotWorkers: SlotWorkers;
  private readonly jobLeaderService: JobLeaderService;
  private readonly totalResourceProfile: ResourceProfile;
  private readonly resourceManager: ResourceManagerLink;
  private readonly jobTable = new JobTable();
  private readonly slotOffers: SlotOffers;
  private readonly jobLeaders: JobLeaderConnections;
  private readonly taskCode: TaskCode;
  private readonly metrics: TaskExecutorMetrics;
  private stopping = false;
  private jobLeaderServiceStopped = false;
  private readonly logRing = new LogRing(); // recent log lines, for the REST API's TaskManager log

  constructor(rpcService: RpcService, services: TaskExecutorServices) {
    super(rpcService, services.endpointId ?? `taskmanager_${services.resourceId}`);
    this.services = services;
    this.resourceId = services.resourceId;
    this.configuration = services.configuration;
    this.delayed = this.mainThreadScheduler(services.scheduler);
    this.metrics = new TaskExecutorMetrics(services, () => rpcService.metrics());
    this.totalResourceProfile =
      services.totalResourceProfile ?? ResourceProfile.of({ cpuCores: services.configuration.numberSlots });
    this.slotWorkers = new SlotWorkers(services.taskSlotWorkerEntry ?? kTaskSlotWorkerEntry, this.resourceId);
    this.taskCode = new TaskCode(services.blobService, this.resourceId);
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
    this.resourceManager = new ResourceManagerLink({
      rpcService,
      resourceId: this.resourceId,
      configuration: this.configuration,
      leaderRetriever: services.haServices.getResourceManagerLeaderRetriever(),
      heartbeatServices: services.heartbeatServices,
      executor: this.delayed,
      runAsync: (task) => this.runAsync(task),
      registration: () => ({
        taskExecutorAddress: this.getAddress(),
        resourceId: this.resourceId,
        defaultSlotResourceProfile: this.taskSlotTable.defaultSlotResourceProfile,
        totalResourceProfile: this.totalResourceProfile,
        ...(services.hardwareDescription ? { hardwareDescription: services.hardwareDescription } : {}),
      }),
      slotReport: () => this.taskSlotTable.createSlotReport(this.resourceId),
      threadStats: () => this.metrics.threadStats(),
      isStopping: () => this.stopping,
      onFatalError: (error) => this.onFatalError(error),
    });
    this.slotOffers = new SlotOffers({
      resourceId: this.resourceId,
      rpcTimeoutMs: this.configuration.rpcTimeoutMs,
      taskSlotTable: this.taskSlotTable,
      jobTable: this.jobTable,
      runAsync: (task) => this.runAsync(task),
      freeSlot: (allocationId, cause) => this.freeSlotInternal(allocationId, cause),
    });
    this.jobLeaders = new JobLeaderConnections({
      resourceId: this.resourceId,
      slotTimeoutMs: this.configuration.slotTimeoutMs,
      heartbeatServices: services.heartbeatServices,
      executor: this.delayed,
      jobTable: this.jobTable,
      taskSlotTable: this.taskSlotTable,
      slotOffers: this.slotOffers,
      runAsync: (task) => this.runAsync(task),
      watch: (address, onUnreachable) => this.getRpcService().watch(address, onUnreachable),
      isStopping: () => this.stopping,
      reconnect: (jobId) => this.jobLeaderService.reconnect(jobId),
      freeSlot: (allocationId, cause) => this.freeSlotInternal(allocationId, cause),
      closeJob: (jobId, cause) => this.closeJob(jobId, cause),
      updateTaskExecutionState: (connection, task, state) =>
        this.updateTaskExecutionState(connection, task, state),
      onFatalError: (error) => this.onFatalError(error),
    });
  }

  getResourceID(): ResourceID {
    return this.resourceId;
  }

  /** Whether a registration at the ResourceManager `resourceManagerId` is established. */
  isConnectedToResourceManager(resourceManagerId?: ResourceManagerId): boolean {
    return this.resourceManager.isConnected(resourceManagerId);
  }

  /** Settles once the TaskExecutor has first registered at a ResourceManager and sent it its slot report. */
  whenFirstRegisteredAtResourceManager(): Promise<void> {
    return this.resourceManager.whenFirstRegistered();
  }

  // ------------------------------------------------------------------ lifecycle

  protected override onStart(): void {
    this.logRing.attach();
    try {
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
        this.jobLeaders,
      );
      this.resourceManager.start();
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
    this.resourceManager.close(cause);
    for (const jobId of this.jobTable.jobIds()) this.closeJob(jobId, cause);
    try {
      // Settles once every task has ended, and so has the worker it ran on (Flink's testTaskSlotTableTerminationOnShutdown).
      await this.taskSlotTable.closeAsync();
    } finally {
      this.stopTaskExecutorServices();
      this.metrics.close();
      await this.slotWorkers.closeAll();
      this.logRing.close();
    }
  }

  private stopTaskExecutorServices(): void {
    this.resourceManager.stop();
    if (!this.jobLeaderServiceStopped) {
      this.jobLeaderServiceStopped = true;
      try {
        this.jobLeaderService.stop();
      } catch (error) {
        log.debug('The JobLeaderService was not running.', error);
      }
    }
    this.jobLeaders.stop();
  }

  // ------------------------------------------------------------------ TaskExecutorGateway

  requestSlot(
    slotId: SlotID,
    jobId: JobID,
    allocationId: AllocationID,
    resourceProfile: ResourceProfile,
    targetAddress: string,
    resourceManagerId: ResourceManagerId,
    _timeoutMs?: number,
    jobMasterId?: JobMasterId,
  ): Promise<Acknowledge> {
    log.info(`Receive slot request ${allocationId} for job ${jobId} from ${resourceManagerId}.`);
    // FLINK-9427: a request may overtake the registration; only a registered RM may allocate.
    if (!this.resourceManager.isConnected(resourceManagerId)) {
      throw new TaskManagerError(
        `TaskManager is not connected to the resource manager ${resourceManagerId}.`,
      );
    }
    this.allocateSlot(slotId, jobId, allocationId, resourceProfile);
    if (!this.jobTable.has(jobId)) {
      try {
        this.jobLeaderService.addJob(jobId, targetAddress, validJobMasterId(jobMasterId));
      } catch (cause) {
        this.freeSlotInternal(allocationId, new FlinkError('Could not create new job.', { cause }));
        throw new SlotAllocationError('Could not create new job.', { cause });
      }
      this.jobTable.add(jobId);
      this.taskCode.registerJob(jobId);
    }
    if (this.jobTable.getConnection(jobId)) this.slotOffers.offer(jobId);
    return Promise.resolve(Acknowledge);
  }

  /**
   * Runs a task in one of the job's slots. Refused unless the job's JobMaster is
   * connected under `jobMasterId` and the slot is allocated to the job; the slot
   * becomes active, even if its offer has not been answered yet.
   */
  submitTask(tdd: TaskDeploymentDescriptor, jobMasterId: JobMasterId): Promise<Acknowledge> {
    this.startTask(tdd, jobMasterId);
    return Promise.resolve(Acknowledge);
  }

  /** submitTask for each descriptor, in order; a refused one does not keep the others from running. */
  submitTasks(
    tdds: readonly TaskDeploymentDescriptor[],
    jobMasterId: JobMasterId,
  ): Promise<(SerializedThrowable | null)[]> {
    const outcomes = tdds.map((tdd) => {
      try {
        this.startTask(tdd, jobMasterId);
        return null;
      } catch (error) {
        return SerializedThrowable.of(error);
      }
    });
    return Promise.resolve(outcomes);
  }

  private startTask(tdd: TaskDeploymentDescriptor, jobMasterId: JobMasterId): void {
    const { allocationId, executionId } = tdd;
    const connection = checkTaskSubmission(tdd, jobMasterId, this.jobTable, this.taskSlotTable);
    const slotWorker = this.slotWorkers.of(this.taskSlotTable.getIndexOf(allocationId));
    const task = new Task(tdd, slotWorker, connection.taskManagerActions, this.taskCode.preparation(tdd));
    let added: boolean;
    try {
      added = this.taskSlotTable.addTask(task);
    } catch (cause) {
      throw new TaskSubmissionError(`Could not submit task ${executionId}.`, { cause });
    }
    if (!added) throw new TaskSubmissionError(`TaskManager already contains a task for id ${executionId}.`);
    this.metrics.taskStarted(tdd);
    task.start();
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
    return this.jobLeaders.requestHeartbeat(resourceId, allocatedSlotReport);
  }

  heartbeatFromResourceManager(resourceId: ResourceID): Promise<void> {
    return this.resourceManager.requestHeartbeat(resourceId);
  }

  disconnectJobManager(jobId: JobID, cause: Error): void {
    const connection = this.jobTable.getConnection(jobId);
    if (connection && !this.stopping) {
      this.jobLeaders.disconnect(connection, cause);
      this.jobLeaderService.reconnect(jobId);
    }
  }

  disconnectResourceManager(cause: Error): void {
    if (!this.stopping) this.resourceManager.reconnect(cause);
  }

  async requestLogLines(maxLines: number): Promise<string[]> {
    return this.logRing.tail(maxLines);
  }

  requestMetricDump(): Promise<MetricDumpSnapshot> {
    return Promise.resolve(this.metrics.dump());
  }

  canBeReleased(): Promise<boolean> {
    // No result partitions live here, so nothing keeps a TaskExecutor from being released.
    return Promise.resolve(true);
  }

  // ------------------------------------------------------------------ slots

  private allocateSlot(
    slotId: SlotID,
    jobId: JobID,
    allocationId: AllocationID,
    resourceProfile: ResourceProfile,
  ): void {
    const index = slotId.slotNumber;
    const table = this.taskSlotTable;
    if (!Number.isInteger(index) || index >= table.numberSlots) {
      throw new SlotAllocationError(
        `Slot ${index} does not exist: this TaskExecutor has ${table.numberSlots} slots.`,
      );
    }
    if (table.isSlotFree(index)) {
      if (
        !table.allocateSlot(index, jobId, allocationId, resourceProfile, this.configuration.slotTimeoutMs)
      ) {
        throw new SlotAllocationError('Could not allocate slot.');
      }
      this.slotWorkers.allocated(index);
    } else if (!table.isAllocated(index, jobId, allocationId)) {
      const current = table.getCurrentAllocation(index) as AllocationID;
      const owner = table.getOwningJob(current) as JobID;
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
        this.slotWorkers.freed(index);
        this.resourceManager.notifySlotAvailable(SlotID.of(this.resourceId, index), allocationId);
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
    // The normal end of every job here, sent to its JobMaster: a reason, built without a stack.
    const reason = `TaskExecutor ${this.getAddress()} has no more allocated slots for job ${jobId}.`;
    const cause = withoutStack(() => new FlinkError(reason));
    this.closeJob(jobId, cause);
  }

  /** Forgets the job: disconnects its JobMaster, frees its slots and stops looking for its leader. */
  private closeJob(jobId: JobID, cause: Error): void {
    if (!this.jobTable.has(jobId)) return;
    const connection = this.jobTable.remove(jobId);
    this.slotOffers.forget(jobId);
    if (connection) this.jobLeaders.disconnect(connection, cause);
    for (const allocationId of this.taskSlotTable.getAllocationIdsPerJob(jobId)) {
      this.freeSlotInternal(allocationId, cause);
    }
    this.jobLeaderService.removeJob(jobId);
    this.taskCode.releaseJob(jobId);
  }

  // ------------------------------------------------------------------ tasks

  /** A final state first unregisters the task (Flink's unregisterTaskAndNotifyFinalState); all go to its JobMaster. */
  private updateTaskExecutionState(
    connection: JobManagerConnection,
    task: Task,
    state: TaskExecutionState,
  ): void {
    if (isTerminalExecutionState(state.state)) {
      this.metrics.taskEnded(task.executionId, state.state);
      if (this.taskSlotTable.getTask(task.executionId) === task)
        this.taskSlotTable.removeTask(task.executionId);
    }
    log.debug('Task', task.executionId, 'switched to', state.state);
    connection.stateUpdates.add(state);
  }

  private onFatalError(error: Error): void {
    log.error('Fatal error occurred in TaskExecutor.', error.message);
    try {
      this.services.fatalErrorHandler.onFatalError(error);
    } catch (handlerError) {
      log.error('The fatal error handler failed.', handlerError);
    }
  }
}

/** The JobMasterId a slot request names, if it is one; a request from an older peer names none. */
function validJobMasterId(id: unknown): JobMasterId | undefined {
  return typeof id === 'string' && id.length > 0 ? (id as JobMasterId) : undefined;
}
