// The TaskExecutor's RPC interface, as the ResourceManager and the JobMaster see
// it. Mirrors Flink's TaskExecutorGateway, without the partition and checkpoint
// calls that threadlink has no use for; its log comes as lines (requestLogLines)
// rather than as a file uploaded to the BlobServer, and the metric query is
// requestMetricDump.

import { defineGateway, type RpcGateway } from '../../rpc/gateway.js';
import type { MetricDumpSnapshot } from '../metrics/metric-dump.js';
import type { Acknowledge } from '../types/acknowledge.js';
import type { AllocatedSlotReport } from '../types/heartbeat-payloads.js';
import type {
  AllocationID,
  ExecutionAttemptID,
  JobID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
} from '../types/ids.js';
import type { ResourceProfile } from '../types/resource-profile.js';
import type { SerializedThrowable } from '../types/serialized-throwable.js';
import type { SlotID } from '../types/slot-id.js';
import type { TaskDeploymentDescriptor } from '../types/task-deployment-descriptor.js';

export interface TaskExecutorGateway extends RpcGateway {
  /**
   * The ResourceManager `resourceManagerId` asks for slot `slotId` on behalf of
   * `jobId`, whose JobMaster is found through leader retrieval (or at `targetAddress`).
   * `jobMasterId`, threadlink's own, is the leader session the JobMaster at
   * `targetAddress` registered at the ResourceManager with: a TaskExecutor that
   * does not follow the job yet registers there at once, without waiting for its
   * leader retrieval's first answer (which still decides from then on).
   */
  requestSlot(
    slotId: SlotID,
    jobId: JobID,
    allocationId: AllocationID,
    resourceProfile: ResourceProfile,
    targetAddress: string,
    resourceManagerId: ResourceManagerId,
    timeoutMs: number,
    jobMasterId?: JobMasterId,
  ): Promise<Acknowledge>;
  /**
   * The JobMaster `jobMasterId` deploys a task into one of its active slots. The
   * acknowledgement means the task was accepted; its states follow through
   * updateTaskExecutionState.
   */
  submitTask(
    tdd: TaskDeploymentDescriptor,
    jobMasterId: JobMasterId,
    timeoutMs: number,
  ): Promise<Acknowledge>;
  /**
   * submitTask for several tasks at once, as a JobMaster deploys what one turn
   * of its scheduler placed on this TaskExecutor. The answer has one entry per
   * descriptor, in order: null when the task was accepted, else why it was not.
   */
  submitTasks(
    tdds: readonly TaskDeploymentDescriptor[],
    jobMasterId: JobMasterId,
    timeoutMs: number,
  ): Promise<(SerializedThrowable | null)[]>;
  /** Cancels an execution: its worker is ended and it reports CANCELED. Unknown ids fail. */
  cancelTask(executionId: ExecutionAttemptID, timeoutMs: number): Promise<Acknowledge>;
  /** Frees the slot of `allocationId`; always acknowledged, even if it is unknown. */
  freeSlot(allocationId: AllocationID, cause: Error, timeoutMs: number): Promise<Acknowledge>;
  /** Frees the job's slots that were allocated but never activated by its JobMaster. */
  freeInactiveSlots(jobId: JobID, timeoutMs: number): void;
  /** The JobMaster `resourceId` asks for a heartbeat, telling which slots it believes it holds. */
  heartbeatFromJobManager(resourceId: ResourceID, allocatedSlotReport: AllocatedSlotReport): Promise<void>;
  /** The ResourceManager `resourceId` asks for a heartbeat; the reply carries the slot report. */
  heartbeatFromResourceManager(resourceId: ResourceID): Promise<void>;
  /** The JobMaster of `jobId` has let this TaskExecutor go; reconnect to its leader. */
  disconnectJobManager(jobId: JobID, cause: Error): void;
  /** The ResourceManager has let this TaskExecutor go; close the connection and register again. */
  disconnectResourceManager(cause: Error): void;
  /**
   * The last `maxLines` lines of the TaskExecutor's log, oldest first. Flink's
   * requestFileUploadByType(FileType.LOG), answered with the lines themselves.
   */
  requestLogLines(maxLines: number, timeoutMs: number): Promise<string[]>;
  /** Whether the TaskExecutor holds nothing a job still needs. */
  canBeReleased(): Promise<boolean>;
  /**
   * The metrics of the TaskExecutor's thread (its TaskManagerMetricGroup and
   * the groups of its running tasks). Flink asks the TaskExecutor for its
   * MetricQueryService's address and queries that; here the TaskExecutor answers.
   */
  requestMetricDump(timeoutMs: number): Promise<MetricDumpSnapshot>;
}

export const TaskExecutorGateway = defineGateway<TaskExecutorGateway>('TaskExecutorGateway', {
  requestSlot: { timeoutArg: 6 },
  submitTask: { timeoutArg: 2 },
  submitTasks: { timeoutArg: 2 },
  cancelTask: { timeoutArg: 1 },
  freeSlot: { timeoutArg: 2 },
  freeInactiveSlots: 'tell',
  heartbeatFromJobManager: 'ask',
  heartbeatFromResourceManager: 'ask',
  disconnectJobManager: 'tell',
  disconnectResourceManager: 'tell',
  requestLogLines: { timeoutArg: 1 },
  canBeReleased: 'ask',
  requestMetricDump: { timeoutArg: 0 },
});
