// Slot tracking for the ResourceManager. Mirrors the TaskExecutor and slot
// bookkeeping of Flink's DeclarativeSlotManager (TaskExecutorManager plus
// SlotTracker); requirement matching comes later with the JobMaster.
// One difference: a slot report is taken as the whole truth about that
// TaskExecutor, so dynamic slots that appear or vanish in reports are counted
// too, where Flink's declarative tracker ignores slots it did not register.

import { getLogger } from '../../../actor/logger.js';
import type { AllocationID, InstanceID, ResourceID } from '../../types/ids.js';
import type { ResourceProfile } from '../../types/resource-profile.js';
import { SlotID } from '../../types/slot-id.js';
import type { SlotReport, SlotStatus } from '../../types/slot-report.js';
import { SlotManagerClosedError } from '../resource-manager-errors.js';
import type { SlotManager, SlotManagerRegistrationResult, TaskExecutorConnection } from './slot-manager.js';

const log = getLogger('slot-manager');

export interface DefaultSlotManagerOptions {
  /** Flink's slotmanager.number-of-slots.max: a TaskExecutor that would exceed it is rejected. */
  readonly maxSlotNum?: number;
}

const kDefaultOptions: Required<DefaultSlotManagerOptions> = { maxSlotNum: Infinity };

/** What is known of one registered TaskExecutor; slots are keyed by slot number. */
interface TaskManagerSlots {
  readonly connection: TaskExecutorConnection;
  readonly totalResourceProfile: ResourceProfile;
  readonly defaultSlotResourceProfile: ResourceProfile;
  slots: Map<number, SlotStatus>;
}

export class DefaultSlotManager implements SlotManager {
  private readonly options: Required<DefaultSlotManagerOptions>;
  private readonly taskManagers = new Map<InstanceID, TaskManagerSlots>();
  private readonly instanceByResource = new Map<ResourceID, InstanceID>();
  private closed = false;

  constructor(options: DefaultSlotManagerOptions = {}) {
    this.options = { maxSlotNum: options.maxSlotNum ?? kDefaultOptions.maxSlotNum };
    if (!(this.options.maxSlotNum > 0)) {
      throw new RangeError(`maxSlotNum must be larger than 0, got ${this.options.maxSlotNum}`);
    }
  }

  registerTaskManager(
    connection: TaskExecutorConnection,
    initialSlotReport: SlotReport,
    totalResourceProfile: ResourceProfile,
    defaultSlotResourceProfile: ResourceProfile,
  ): SlotManagerRegistrationResult {
    this.checkOpen();
    const { instanceId, resourceId } = connection;
    if (this.taskManagers.has(instanceId)) {
      log.debug(`Task executor ${resourceId} (${instanceId}) was already registered.`);
      this.reportSlotStatus(instanceId, initialSlotReport);
      return 'IGNORED';
    }
    const other = this.instanceByResource.get(resourceId);
    if (other !== undefined) {
      // The ResourceManager unregisters a replaced instance first; two live
      // instances of one TaskExecutor would count its slots twice.
      log.warn(`Task executor ${resourceId} is still registered as ${other}; rejecting ${instanceId}.`);
      return 'REJECTED';
    }
    const slots = slotsOf(resourceId, initialSlotReport);
    if (this.getNumberRegisteredSlots() + slots.size > this.options.maxSlotNum) {
      log.info(
        `The total number of slots exceeds the max limitation ${this.options.maxSlotNum}, ` +
          `rejecting task executor ${resourceId}.`,
      );
      return 'REJECTED';
    }
    this.taskManagers.set(instanceId, {
      connection,
      totalResourceProfile,
      defaultSlotResourceProfile,
      slots,
    });
    this.instanceByResource.set(resourceId, instanceId);
    return 'SUCCESS';
  }

  unregisterTaskManager(instanceId: InstanceID, cause: Error): boolean {
    const taskManager = this.taskManagers.get(instanceId);
    if (!taskManager) {
      log.debug(
        `There is no task executor registered with instance ID ${instanceId}. Ignoring this message.`,
      );
      return false;
    }
    log.debug(`Unregistering task executor ${instanceId} from the slot manager: ${cause.message}`);
    this.taskManagers.delete(instanceId);
    this.instanceByResource.delete(taskManager.connection.resourceId);
    return true;
  }

  reportSlotStatus(instanceId: InstanceID, slotReport: SlotReport): boolean {
    const taskManager = this.taskManagers.get(instanceId);
    if (!taskManager) {
      log.debug(`Received slot report for unknown task executor with instance id ${instanceId}. Ignoring.`);
      return false;
    }
    taskManager.slots = slotsOf(taskManager.connection.resourceId, slotReport);
    return true;
  }

  freeSlot(slotId: SlotID, allocationId: AllocationID): boolean {
    const instanceId = this.instanceByResource.get(slotId.resourceId);
    const slots = instanceId === undefined ? undefined : this.taskManagers.get(instanceId)?.slots;
    const slot = slots?.get(slotId.slotNumber);
    if (!slots || !slot || slot.allocationId !== allocationId) {
      log.debug(`Slot ${SlotID.toString(slotId)} is not held by ${allocationId}; not freeing it.`);
      return false;
    }
    slots.set(slotId.slotNumber, { slotId: slot.slotId, resourceProfile: slot.resourceProfile });
    return true;
  }

  getNumberRegisteredSlots(): number {
    let count = 0;
    for (const taskManager of this.taskManagers.values()) count += taskManager.slots.size;
    return count;
  }

  getNumberFreeSlots(): number {
    let count = 0;
    for (const taskManager of this.taskManagers.values()) count += countFree(taskManager.slots);
    return count;
  }

  getNumberRegisteredSlotsOf(instanceId: InstanceID): number {
    return this.taskManagers.get(instanceId)?.slots.size ?? 0;
  }

  getNumberFreeSlotsOf(instanceId: InstanceID): number {
    const taskManager = this.taskManagers.get(instanceId);
    return taskManager ? countFree(taskManager.slots) : 0;
  }

  getTaskManagerResourceIds(): ResourceID[] {
    return [...this.instanceByResource.keys()];
  }

  close(): void {
    this.closed = true;
    this.taskManagers.clear();
    this.instanceByResource.clear();
  }

  private checkOpen(): void {
    if (this.closed) throw new SlotManagerClosedError('The slot manager is closed.');
  }
}

function slotsOf(resourceId: ResourceID, report: SlotReport): Map<number, SlotStatus> {
  const slots = new Map<number, SlotStatus>();
  for (const status of report.slots) {
    if (status.slotId.resourceId !== resourceId) {
      log.warn(`Ignoring slot ${SlotID.toString(status.slotId)} reported by ${resourceId}.`);
      continue;
    }
    slots.set(status.slotId.slotNumber, status);
  }
  return slots;
}

function countFree(slots: ReadonlyMap<number, SlotStatus>): number {
  let free = 0;
  for (const slot of slots.values()) if (slot.allocationId === undefined) free++;
  return free;
}
