// The TaskExecutor's connections to its jobs' JobMaster leaders: what happens
// when the JobLeaderService registers at a job's new leader or loses it, the
// heartbeats with every connected JobMaster, and the slot reconciliation those
// heartbeats carry. Mirrors Flink's TaskExecutor.JobLeaderListenerImpl,
// establishJobManagerConnection, disconnectJobManagerConnection,
// JobManagerHeartbeatListener and syncSlotsWithSnapshotFromJobMaster.

import { getLogger } from '../../actor/logger.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import { FlinkError } from '../flink-error.js';
import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { TaskManagerError } from '../gateways/task-executor-errors.js';
import { heartbeatLossListener } from '../heartbeat/heartbeat-loss-listener.js';
import type { HeartbeatManager } from '../heartbeat/heartbeat-manager.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type {
  AllocatedSlotReport,
  TaskExecutorToJobManagerHeartbeatPayload,
} from '../types/heartbeat-payloads.js';
import type { AllocationID, JobID, ResourceID } from '../types/ids.js';
import type { JMTMRegistrationSuccess } from '../types/registration-response.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import type { JobLeaderListener } from './job-leader-service.js';
import type { JobManagerConnection, JobTable } from './job-table.js';
import { SlotNotFoundError } from './slot/slot-errors.js';
import type { TaskSlotTable } from './slot/task-slot-table.js';
import type { SlotOffers } from './slot-offers.js';
import type { Task } from './task/task.js';
import { TaskExecutionStateBatch } from './task-state-updates.js';

const log = getLogger('TaskExecutor');

export interface JobLeaderConnectionsContext {
  readonly resourceId: ResourceID;
  readonly slotTimeoutMs: number;
  readonly heartbeatServices: HeartbeatServices;
  /** Delays, running in the TaskExecutor's main thread. */
  readonly executor: ScheduledExecutor;
  readonly jobTable: JobTable;
  readonly taskSlotTable: TaskSlotTable<Task>;
  readonly slotOffers: SlotOffers;
  runAsync(task: () => void): void;
  /** Death watch of an address (RpcService.watch); returns the unwatch. */
  watch(address: string, onUnreachable: (reason: string) => void): () => void;
  isStopping(): boolean;
  /** Registers again at the job's leader (JobLeaderService.reconnect). */
  reconnect(jobId: JobID): void;
  freeSlot(allocationId: AllocationID, cause: Error): void;
  closeJob(jobId: JobID, cause: Error): void;
  /** A task of `connection` changed state; runs in the main thread. */
  updateTaskExecutionState(connection: JobManagerConnection, task: Task, state: TaskExecutionState): void;
  onFatalError(error: Error): void;
}

export class JobLeaderConnections implements JobLeaderListener {
  private readonly heartbeatManager: HeartbeatManager<
    AllocatedSlotReport,
    TaskExecutorToJobManagerHeartbeatPayload
  >;
  /** Stops the death watch of each connected JobMaster. */
  private readonly unwatch = new Map<JobManagerConnection, () => void>();

  constructor(private readonly context: JobLeaderConnectionsContext) {
    this.heartbeatManager = context.heartbeatServices.createHeartbeatManager(
      context.resourceId,
      heartbeatLossListener<AllocatedSlotReport, TaskExecutorToJobManagerHeartbeatPayload>({
        peer: 'JobManager',
        lost: (resourceId, message) => this.heartbeatLost(resourceId, new TaskManagerError(message)),
        reportPayload: (resourceId, report) => {
          const connection = context.jobTable.getConnectionByResourceId(resourceId);
          if (connection) this.syncSlotsWithSnapshotFromJobMaster(connection, report);
        },
        retrievePayload: (resourceId) => {
          const connection = context.jobTable.getConnectionByResourceId(resourceId);
          // States the report leaves out must reach the JobMaster first (see task-state-updates.ts).
          connection?.stateUpdates.flush();
          const tasks = connection ? context.taskSlotTable.getTasks(connection.jobId) : [];
          return { executionDeploymentReport: tasks.map((task) => task.executionId) };
        },
      }),
      context.executor,
    );
  }

  /** The JobMaster `resourceId` asks for a heartbeat, with the slots it believes it holds here. */
  requestHeartbeat(resourceId: ResourceID, report: AllocatedSlotReport): Promise<void> {
    return this.heartbeatManager.requestHeartbeat(resourceId, report);
  }

  stop(): void {
    this.heartbeatManager.stop();
  }

  // ------------------------------------------------------------------ JobLeaderListener

  jobManagerGainedLeadership(
    jobId: JobID,
    gateway: JobMasterGateway,
    registration: JMTMRegistrationSuccess,
  ): void {
    this.context.runAsync(() => this.establish(jobId, gateway, registration));
  }

  jobManagerLostLeadership(jobId: JobID): void {
    this.context.runAsync(() => {
      const connection = this.context.jobTable.getConnection(jobId);
      // As Flink, whichever JobMaster is connected goes: the lost leader may be a newer one whose
      // registration never finished, and then the connected one is no longer the leader either.
      if (!connection) return;
      this.disconnect(connection, new FlinkError(`Job leader for job id ${jobId} lost leadership.`));
    });
  }

  handleError(error: Error): void {
    this.context.onFatalError(error);
  }

  jobManagerRejectedRegistration(jobId: JobID, targetAddress: string): void {
    this.context.runAsync(() =>
      this.context.closeJob(
        jobId,
        new FlinkError(`JobManager ${targetAddress} has rejected the registration.`),
      ),
    );
  }

  // ------------------------------------------------------------------ connections

  /**
   * Fails the connection's tasks, deactivates its job's slots (they stay
   * reserved for the job's next leader, or time out), stops the heartbeats and
   * tells the JobMaster.
   */
  disconnect(connection: JobManagerConnection, cause: Error): void {
    const { jobTable, taskSlotTable } = this.context;
    jobTable.disconnect(connection);
    connection.stateUpdates.flush();
    // Made only for tasks left to fail: at a job's end there are none, and an error's stack costs.
    let failure: FlinkError | undefined;
    for (const task of taskSlotTable.getTasks(connection.jobId)) {
      failure ??= new FlinkError(`Disconnect from JobManager responsible for ${connection.jobId}.`, {
        cause,
      });
      task.failExternally(failure);
    }
    for (const allocationId of taskSlotTable.getActiveTaskSlotAllocationIdsPerJob(connection.jobId)) {
      let deactivated = false;
      try {
        deactivated = taskSlotTable.markSlotInactive(allocationId, this.context.slotTimeoutMs);
      } catch (error) {
        if (!(error instanceof SlotNotFoundError)) throw error;
      }
      if (!deactivated) this.context.freeSlot(allocationId, cause);
    }
    this.heartbeatManager.unmonitorTarget(connection.resourceId);
    this.unwatch.get(connection)?.();
    this.unwatch.delete(connection);
    connection.gateway.disconnectTaskManager(this.context.resourceId, cause).catch((error: unknown) => {
      log.debug(`Could not tell JobManager of job ${connection.jobId} about the disconnect.`, error);
    });
  }

  private establish(jobId: JobID, gateway: JobMasterGateway, registration: JMTMRegistrationSuccess): void {
    const { jobTable } = this.context;
    if (!jobTable.has(jobId) || this.context.isStopping()) return;
    const jobMasterId = gateway.getFencingToken();
    const current = jobTable.getConnection(jobId);
    if (current) {
      if (current.jobMasterId === jobMasterId) return;
      this.disconnect(current, new FlinkError(`Found new job leader for job id ${jobId}.`));
    }
    log.info(`Establish JobManager connection for job ${jobId}.`);
    const connection: JobManagerConnection = {
      jobId,
      jobMasterId,
      gateway,
      resourceId: registration.resourceId,
      taskManagerActions: {
        updateTaskExecutionState: (task, state) =>
          this.context.runAsync(() => this.context.updateTaskExecutionState(connection, task, state)),
      },
      stateUpdates: new TaskExecutionStateBatch(gateway, this.context.executor),
    };
    jobTable.connect(connection);
    this.heartbeatManager.monitorTarget(registration.resourceId, {
      receiveHeartbeat: (resourceId, payload) =>
        gateway.heartbeatFromTaskManager(
          resourceId as ResourceID,
          payload as TaskExecutorToJobManagerHeartbeatPayload,
        ),
      requestHeartbeat: () => Promise.resolve(),
    });
    // A JobMaster whose thread, process or connection is gone is noticed at once, as a lost heartbeat.
    const unwatch = this.context.watch(gateway.getAddress(), (reason) =>
      this.context.runAsync(() => {
        if (jobTable.getConnection(jobId) !== connection) return;
        const message = `JobManager with id ${connection.resourceId} is no longer reachable: ${reason}`;
        this.heartbeatLost(connection.resourceId, new TaskManagerError(message));
      }),
    );
    this.unwatch.set(connection, unwatch);
    this.context.slotOffers.offer(jobId);
  }

  private heartbeatLost(resourceId: string, cause: Error): void {
    const connection = this.context.jobTable.getConnectionByResourceId(resourceId);
    if (!connection || this.context.isStopping()) return;
    log.info(cause.message);
    this.disconnect(connection, cause);
    this.context.reconnect(connection.jobId);
  }

  /** Heartbeats carry the JobMaster's view of its slots; reconcile both sides with it. */
  private syncSlotsWithSnapshotFromJobMaster(
    connection: JobManagerConnection,
    report: AllocatedSlotReport,
  ): void {
    const { jobId } = report;
    const { taskSlotTable, resourceId } = this.context;
    for (const { slotIndex, allocationId } of report.allocatedSlotInfos) {
      if (!taskSlotTable.isAllocated(slotIndex, jobId, allocationId)) {
        connection.gateway.failSlot(
          resourceId,
          allocationId,
          new FlinkError(`Could not find slot ${allocationId} on TaskExecutor ${resourceId}.`),
        );
      }
    }
    const reported = new Set(report.allocatedSlotInfos.map((info) => info.allocationId));
    for (const allocationId of taskSlotTable.getActiveTaskSlotAllocationIdsPerJob(jobId)) {
      if (!reported.has(allocationId)) {
        this.context.freeSlot(allocationId, new FlinkError('Slot was no longer known to the JobMaster.'));
      }
    }
  }
}
