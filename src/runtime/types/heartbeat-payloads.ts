// What heartbeats carry between the components. Mirrors Flink's
// TaskExecutorHeartbeatPayload, AllocatedSlotReport and
// TaskExecutorToJobManagerHeartbeatPayload, as plain data.

import type { AllocationID, ExecutionAttemptID, JobID } from './ids.js';
import type { SlotReport } from './slot-report.js';

/** TaskExecutor → ResourceManager: the slots as they are now. */
export interface TaskExecutorHeartbeatPayload {
  readonly slotReport: SlotReport;
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
