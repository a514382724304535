// The JobMaster's RPC interface. Mirrors Flink's JobMasterGateway, for the
// calls of TaskExecutors and the ResourceManager: a fenced gateway whose token is
// the JobMasterId of the current leader session.

import { defineGateway, type FencedRpcGateway } from '../../rpc/gateway.js';
import type { Acknowledge } from '../types/acknowledge.js';
import type { TaskExecutorToJobManagerHeartbeatPayload } from '../types/heartbeat-payloads.js';
import type { AllocationID, JobID, JobMasterId, ResourceID, ResourceManagerId } from '../types/ids.js';
import type { JMTMRegistrationResponse } from '../types/registration-response.js';
import type { SlotOffer } from '../types/slot-offer.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import type { TaskManagerRegistrationInformation } from '../types/task-manager-info.js';

export interface JobMasterGateway extends FencedRpcGateway<JobMasterId> {
  /** A TaskExecutor registers for `jobId`; a JobMaster of another job rejects it. */
  registerTaskManager(
    jobId: JobID,
    registration: TaskManagerRegistrationInformation,
    timeoutMs: number,
  ): Promise<JMTMRegistrationResponse>;
  /** A TaskExecutor offers slots; the reply is the subset the JobMaster accepts. */
  offerSlots(resourceId: ResourceID, offers: readonly SlotOffer[], timeoutMs: number): Promise<SlotOffer[]>;
  /** A slot the JobMaster believes it holds does not exist on the TaskExecutor. */
  failSlot(resourceId: ResourceID, allocationId: AllocationID, cause: Error): void;
  /** A TaskExecutor's answer to a heartbeat request. */
  heartbeatFromTaskManager(
    resourceId: ResourceID,
    payload: TaskExecutorToJobManagerHeartbeatPayload,
  ): Promise<void>;
  /** A TaskExecutor leaves the job. */
  disconnectTaskManager(resourceId: ResourceID, cause: Error): Promise<Acknowledge>;
  /** A TaskExecutor reports that an execution changed state (RUNNING, FINISHED, FAILED, CANCELED). */
  updateTaskExecutionState(taskExecutionState: TaskExecutionState): Promise<Acknowledge>;
  /**
   * The state changes of one turn of a TaskExecutor, in order, as one message
   * without a reply. What goes astray is found by heartbeat reconciliation.
   */
  updateTaskExecutionStates(taskExecutionStates: readonly TaskExecutionState[]): void;
  /** The ResourceManager `resourceId` asks for a heartbeat. */
  heartbeatFromResourceManager(resourceId: ResourceID): Promise<void>;
  /** The ResourceManager `resourceManagerId` has let this JobMaster go; register again. */
  disconnectResourceManager(resourceManagerId: ResourceManagerId, cause: Error): void;
}

export const JobMasterGateway = defineGateway<JobMasterGateway>('JobMasterGateway', {
  registerTaskManager: { timeoutArg: 2 },
  offerSlots: { timeoutArg: 2 },
  failSlot: 'tell',
  heartbeatFromTaskManager: 'ask',
  disconnectTaskManager: 'ask',
  updateTaskExecutionState: 'ask',
  updateTaskExecutionStates: 'tell',
  heartbeatFromResourceManager: 'ask',
  disconnectResourceManager: 'tell',
});
