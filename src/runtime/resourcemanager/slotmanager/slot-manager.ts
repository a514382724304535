// The ResourceManager's view of every slot in the cluster, and of the slots
// each job has declared it needs. Mirrors Flink's SlotManager interface (the
// declarative one): it tracks TaskExecutors and their slots, and asks
// TaskExecutors for free slots on behalf of jobs whose requirements are not met.

import type { ScheduledExecutor } from '../../../rpc/scheduled-executor.js';
import type { TaskExecutorGateway } from '../../gateways/task-executor-gateway.js';
import type { AllocationID, InstanceID, JobID, ResourceID, ResourceManagerId } from '../../types/ids.js';
import type { ResourceProfile } from '../../types/resource-profile.js';
import type { ResourceRequirements } from '../../types/resource-requirements.js';
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
  /**
   * Lets the slot manager request slots: in the name of `resourceManagerId`,
   * with every callback and delay run through `mainThreadExecutor` (the
   * ResourceManager's main thread). Mirrors SlotManager.start; before it, the
   * slot manager only keeps books.
   */
  start(resourceManagerId: ResourceManagerId, mainThreadExecutor: ScheduledExecutor): void;
  /** Replaces the job's declaration (zero slots clears it) and requests what is missing. */
  processResourceRequirements(requirements: ResourceRequirements): void;
  /**
   * Forgets the job's declaration, and asks the TaskExecutors holding its slots
   * to free those its JobMaster never activated (Flink's maybeReclaimInactiveSlots).
   */
  clearResourceRequirements(jobId: JobID): void;
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
  /** Slots requested with requestSlot and not yet answered, of one job or of all. */
  getNumberPendingSlotRequests(jobId?: JobID): number;
  /** Slots the job holds, as far as the ResourceManager knows. */
  getNumberAllocatedSlotsOf(jobId: JobID): number;
  /** Slots the job's current declaration asks for; 0 without one. */
  getNumberRequiredSlots(jobId: JobID): number;
  /** Required slots that are neither allocated to the job nor requested for it. */
  getNumberMissingSlots(jobId: JobID): number;
  /** Forgets everything and stops requesting; the slot manager cannot be used afterwards. */
  close(): void;
}
