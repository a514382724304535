// The JobMaster's RPC interface, as far as a TaskExecutor uses it. Mirrors the
// TaskExecutor-facing part of Flink's JobMasterGateway: a fenced gateway whose
// token is the JobMasterId of the current leader session.

import { defineGateway, type FencedRpcGateway } from '../../rpc/gateway.js';
import type { Acknowledge } from '../types/acknowledge.js';
import type { TaskExecutorToJobManagerHeartbeatPayload } from '../types/heartbeat-payloads.js';
import type { AllocationID, JobID, JobMasterId, ResourceID } from '../types/ids.js';
import type { JMTMRegistrationResponse } from '../types/registration-response.js';
import type { SlotOffer } from '../types/slot-offer.js';
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
}

export const JobMasterGateway = defineGateway<JobMasterGateway>('JobMasterGateway', {
  registerTaskManager: { timeoutArg: 2 },
  offerSlots: { timeoutArg: 2 },
  failSlot: 'tell',
  heartbeatFromTaskManager: 'ask',
  disconnectTaskManager: 'ask',
});
