// The ResourceManager's RPC interface. Mirrors Flink's ResourceManagerGateway: a
// fenced gateway whose token is the ResourceManagerId of the current leader
// session, so calls meant for an older leader fail with a FencingTokenError.
// The JobMaster-facing calls arrive with the JobMaster.

import { defineGateway, type FencedRpcGateway } from '../../rpc/gateway.js';
import type { Acknowledge } from '../types/acknowledge.js';
import type { TaskExecutorHeartbeatPayload } from '../types/heartbeat-payloads.js';
import type { AllocationID, InstanceID, ResourceID, ResourceManagerId } from '../types/ids.js';
import type { TaskExecutorRegistrationResponse } from '../types/registration-response.js';
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
  getNumberOfRegisteredTaskManagers(): Promise<number>;
  requestResourceOverview(timeoutMs: number): Promise<ResourceOverview>;
  requestTaskManagerInfo(timeoutMs: number): Promise<TaskManagerInfo[]>;
}

export const ResourceManagerGateway = defineGateway<ResourceManagerGateway>('ResourceManagerGateway', {
  registerTaskExecutor: { timeoutArg: 1 },
  sendSlotReport: { timeoutArg: 3 },
  notifySlotAvailable: 'tell',
  heartbeatFromTaskManager: 'ask',
  disconnectTaskManager: 'tell',
  getNumberOfRegisteredTaskManagers: 'ask',
  requestResourceOverview: { timeoutArg: 0 },
  requestTaskManagerInfo: { timeoutArg: 0 },
});
