// What heartbeats carry between the components. Mirrors Flink's
// TaskExecutorHeartbeatPayload, AllocatedSlotReport and
// TaskExecutorToJobManagerHeartbeatPayload, as plain data.

import type { AllocationID, ExecutionAttemptID, JobID } from './ids.js';
import type { SlotReport } from './slot-report.js';
import type { ThreadStats } from './thread-stats.js';

/**
 * TaskExecutor → ResourceManager: the slots as they are now, and the thread's
 * heap and event-loop figures (absent from TaskExecutors without metrics), so
 * the ResourceManager's TaskManagerInfo has them without a call per TaskExecutor.
 */
export interface TaskExecutorHeartbeatPayload {
  readonly slotReport: SlotReport;
  readonly threadStats?: ThreadStats;
}

export interface AllocatedSlotInfo {
  readonly slotIndex: number;
  readonly allocationId: AllocationID;
}

/** JobMaster → TaskExecutor: the slots the JobMaster believes it holds there. */
export interface AllocatedSlotReport {
  readonly jobId: JobID;
  readonly allocatedSlotInfos: readonly AllocatedSlotInfo[];
}

/** TaskExecutor → JobMaster: the executions deployed there, so lost deployments show up. */
export interface TaskExecutorToJobManagerHeartbeatPayload {
  readonly executionDeploymentReport: readonly ExecutionAttemptID[];
}
