// The ResourceManager's view of every slot in the cluster. Mirrors Flink's
// SlotManager interface, for the part that tracks TaskExecutors and their slots;
// resource requirements and slot allocation arrive with the JobMaster.

import type { TaskExecutorGateway } from '../../taskexecutor/task-executor-gateway.js';
import type { AllocationID, InstanceID, ResourceID } from '../../types/ids.js';
import type { ResourceProfile } from '../../types/resource-profile.js';
import type { SlotID } from '../../types/slot-id.js';
import type { SlotReport } from '../../types/slot-report.js';

/** One registration of a TaskExecutor. Mirrors Flink's TaskExecutorConnection. */
export interface TaskExecutorConnection {
  readonly instanceId: InstanceID;
  readonly resourceId: ResourceID;
  readonly gateway: TaskExecutorGateway;
}

/**
 * Mirrors SlotManager.RegistrationResult: SUCCESS (now tracked), IGNORED (that
 * instance was already registered) or REJECTED (the ResourceManager must let
 * the TaskExecutor go).
 */
export type SlotManagerRegistrationResult = 'SUCCESS' | 'IGNORED' | 'REJECTED';

export interface SlotManager {
  registerTaskManager(
    connection: TaskExecutorConnection,
    initialSlotReport: SlotReport,
    totalResourceProfile: ResourceProfile,
    defaultSlotResourceProfile: ResourceProfile,
  ): SlotManagerRegistrationResult;
  /** Forgets the instance and its slots; false if it was not registered. */
  unregisterTaskManager(instanceId: InstanceID, cause: Error): boolean;
  /** Takes the slots' state from a TaskExecutor's report; false if the instance is unknown. */
  reportSlotStatus(instanceId: InstanceID, slotReport: SlotReport): boolean;
  /** Marks the slot free, but only while `allocationId` holds it; true if it did. */
  freeSlot(slotId: SlotID, allocationId: AllocationID): boolean;
  getNumberRegisteredSlots(): number;
  getNumberFreeSlots(): number;
  getNumberRegisteredSlotsOf(instanceId: InstanceID): number;
  getNumberFreeSlotsOf(instanceId: InstanceID): number;
  getTaskManagerResourceIds(): ResourceID[];
  /** Forgets everything; the slot manager cannot be used afterwards. */
  close(): void;
}
