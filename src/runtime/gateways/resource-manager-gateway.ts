// The ResourceManager's RPC interface. Mirrors Flink's ResourceManagerGateway: a
// fenced gateway whose token is the ResourceManagerId of the current leader
// session, so calls meant for an older leader fail with a FencingTokenError.

import { defineGateway, type FencedRpcGateway } from '../../rpc/gateway.js';
import type { MetricDumpSnapshot } from '../metrics/metric-dump.js';
import type { Acknowledge } from '../types/acknowledge.js';
import type { TaskExecutorHeartbeatPayload } from '../types/heartbeat-payloads.js';
import type {
  AllocationID,
  InstanceID,
  JobID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
} from '../types/ids.js';
import type { JobStatus } from '../types/job-status.js';
import type {
  JobMasterRegistrationResponse,
  TaskExecutorRegistrationResponse,
} from '../types/registration-response.js';
import type { ResourceRequirements } from '../types/resource-requirements.js';
import type { SlotID } from '../types/slot-id.js';
import type { SlotReport } from '../types/slot-report.js';
import type { TaskExecutorRegistration } from '../types/task-executor-registration.js';
import type { ResourceOverview, TaskManagerInfo } from '../types/task-manager-info.js';

export interface ResourceManagerGateway extends FencedRpcGateway<ResourceManagerId> {
  /** A TaskExecutor registers; the ResourceManager connects back to it first. */
  registerTaskExecutor(
    registration: TaskExecutorRegistration,
    timeoutMs: number,
  ): Promise<TaskExecutorRegistrationResponse>;
  /** The first slot report of a registration `instanceId`. */
  sendSlotReport(
    resourceId: ResourceID,
    instanceId: InstanceID,
    slotReport: SlotReport,
    timeoutMs: number,
  ): Promise<Acknowledge>;
  /** A TaskExecutor freed the slot `slotId` that `allocationId` held. */
  notifySlotAvailable(instanceId: InstanceID, slotId: SlotID, allocationId: AllocationID): void;
  /** A TaskExecutor's answer to a heartbeat request, with its current slots. */
  heartbeatFromTaskManager(resourceId: ResourceID, payload: TaskExecutorHeartbeatPayload): Promise<void>;
  /** A TaskExecutor leaves, or is known to be gone. */
  disconnectTaskManager(resourceId: ResourceID, cause: Error): void;
  /** The JobMaster of `jobId` registers; the ResourceManager connects back to it, fenced by `jobMasterId`. */
  registerJobMaster(
    jobMasterId: JobMasterId,
    jobManagerResourceId: ResourceID,
    jobManagerAddress: string,
    jobId: JobID,
    timeoutMs: number,
  ): Promise<JobMasterRegistrationResponse>;
  /** The slots the job needs now; replaces the previous declaration. */
  declareRequiredResources(
    jobMasterId: JobMasterId,
    resourceRequirements: ResourceRequirements,
    timeoutMs: number,
  ): Promise<Acknowledge>;
  /** A JobMaster's answer to a heartbeat request. */
  heartbeatFromJobManager(resourceId: ResourceID): Promise<void>;
  /** The JobMaster of `jobId` leaves (its job reached `jobStatus`, or it lost leadership). */
  disconnectJobManager(jobId: JobID, jobStatus: JobStatus, cause: Error): void;
  getNumberOfRegisteredTaskManagers(): Promise<number>;
  requestResourceOverview(timeoutMs: number): Promise<ResourceOverview>;
  requestTaskManagerInfo(timeoutMs: number): Promise<TaskManagerInfo[]>;
  /**
   * The last `maxLines` log lines of the TaskExecutor `taskManagerId`, asked of it.
   * Flink's requestTaskManagerFileUploadByType(LOG); an unregistered id fails
   * with UnknownTaskExecutorError's code.
   */
  requestTaskManagerLogLines(
    taskManagerId: ResourceID,
    maxLines: number,
    timeoutMs: number,
  ): Promise<string[]>;
  /**
   * The metrics of the registered TaskExecutor `taskManagerId`, gathered from its
   * thread (requestMetricDump). Fails with UnknownTaskExecutorError
   * (ERR_UNKNOWN_TASK_EXECUTOR) for an id that is not registered.
   */
  requestTaskManagerMetrics(taskManagerId: ResourceID, timeoutMs: number): Promise<MetricDumpSnapshot>;
  /** The metrics of the jobmanager thread the ResourceManager runs in (its own and the JobMasters'). */
  requestJobManagerMetricDump(timeoutMs: number): Promise<MetricDumpSnapshot>;
}

export const ResourceManagerGateway = defineGateway<ResourceManagerGateway>('ResourceManagerGateway', {
  registerTaskExecutor: { timeoutArg: 1 },
  sendSlotReport: { timeoutArg: 3 },
  notifySlotAvailable: 'tell',
  heartbeatFromTaskManager: 'ask',
  disconnectTaskManager: 'tell',
  registerJobMaster: { timeoutArg: 4 },
  declareRequiredResources: { timeoutArg: 2 },
  heartbeatFromJobManager: 'ask',
  disconnectJobManager: 'tell',
  getNumberOfRegisteredTaskManagers: 'ask',
  requestResourceOverview: { timeoutArg: 0 },
  requestTaskManagerInfo: { timeoutArg: 0 },
  requestTaskManagerLogLines: { timeoutArg: 2 },
  requestTaskManagerMetrics: { timeoutArg: 1 },
  requestJobManagerMetricDump: { timeoutArg: 0 },
});
