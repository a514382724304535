// The ResourceManager's slot bookkeeping and slot allocation. Mirrors Flink's
// DeclarativeSlotManager (with its TaskExecutorManager, SlotTracker and
// ResourceTracker): jobs declare how many slots they need; after every change
// the slot manager asks TaskExecutors for free matching slots with requestSlot,
// so that each job holds or awaits what it declared, never more. A standalone
// cluster starts no workers, so requirements that cannot be met wait for slots.
//
// Differences from Flink, and why:
// - A slot report is the whole truth about which slots a TaskExecutor has, so
//   dynamic slots that appear or vanish in reports are counted too.
// - Flink re-checks 50 ms after a failed request, so a TaskExecutor that refuses
//   every request is asked 20 times a second. Here a refusing TaskExecutor is
//   left out for a delay that doubles with each failure in a row (and resets on
//   success); the other TaskExecutors are asked at once.
// - Checks are coalesced in the main thread's queue rather than delayed by
//   `slotmanager.requirement-check.delay`, so a declaration is acted on at once.

import { getLogger } from '../../../actor/logger.js';
import type { ScheduledExecutor, ScheduledTask } from '../../../rpc/scheduled-executor.js';
import { SlotOccupiedError } from '../../gateways/task-executor-errors.js';
import {
  AllocationID,
  type InstanceID,
  type JobID,
  type ResourceID,
  type ResourceManagerId,
} from '../../types/ids.js';
import type { ResourceProfile } from '../../types/resource-profile.js';
import type { ResourceRequirements } from '../../types/resource-requirements.js';
import { SlotID } from '../../types/slot-id.js';
import type { SlotReport } from '../../types/slot-report.js';
import { SlotManagerClosedError } from '../resource-manager-errors.js';
import { missingResources, ResourceTracker, totalSlots, type JobRequirements } from './resource-tracker.js';
import type { SlotManager, SlotManagerRegistrationResult, TaskExecutorConnection } from './slot-manager.js';
import { slotsAfterReport, TaskManagerSlot } from './task-manager-slot.js';

const log = getLogger('slot-manager');

export interface DefaultSlotManagerOptions {
  /** Flink's slotmanager.number-of-slots.max: a TaskExecutor that would exceed it is rejected. */
  readonly maxSlotNum?: number;
  /** Timeout of a requestSlot call (Flink's TaskManager request timeout, the RPC timeout). Default 10 s. */
  readonly taskManagerRequestTimeoutMs?: number;
  /** How long a TaskExecutor that failed a slot request is left out at first; doubles per failure in a row. Default 50 ms. */
  readonly slotRequestRetryDelayMs?: number;
  /** The longest it is left out. Default 10 s. */
  readonly maxSlotRequestRetryDelayMs?: number;
}

const kDefaultOptions: Required<DefaultSlotManagerOptions> = {
  maxSlotNum: Infinity,
  taskManagerRequestTimeoutMs: 10_000,
  slotRequestRetryDelayMs: 50,
  maxSlotRequestRetryDelayMs: 10_000,
};

/** One registered TaskExecutor; slots are keyed by slot number. */
interface TaskManagerRegistration {
  readonly connection: TaskExecutorConnection;
  readonly totalResourceProfile: ResourceProfile;
  readonly defaultSlotResourceProfile: ResourceProfile;
  slots: Map<number, TaskManagerSlot>;
  /** Failed slot requests in a row, which set the length of the next pause. */
  failedRequests: number;
  /** Set while this TaskExecutor is left out after a failed slot request. */
  pause: ScheduledTask | undefined;
}

interface Started {
  readonly resourceManagerId: ResourceManagerId;
  readonly executor: ScheduledExecutor;
}

export class DefaultSlotManager implements SlotManager {
  private readonly options: Required<DefaultSlotManagerOptions>;
  private readonly taskManagers = new Map<InstanceID, TaskManagerRegistration>();
  private readonly instanceByResource = new Map<ResourceID, InstanceID>();
  private readonly resourceTracker = new ResourceTracker();
  private started: Started | undefined;
  private checkScheduled = false;
  private closed = false;

  constructor(options: DefaultSlotManagerOptions = {}) {
    this.options = { ...kDefaultOptions, ...definedOnly(options) };
    if (!(this.options.maxSlotNum > 0)) {
      throw new RangeError(`maxSlotNum must be larger than 0, got ${this.options.maxSlotNum}`);
    }
    for (const key of ['taskManagerRequestTimeoutMs', 'slotRequestRetryDelayMs'] as const) {
      if (!(this.options[key] > 0))
        throw new RangeError(`${key} must be larger than 0, got ${this.options[key]}`);
    }
    if (!(this.options.maxSlotRequestRetryDelayMs >= this.options.slotRequestRetryDelayMs)) {
      throw new RangeError('maxSlotRequestRetryDelayMs must not be smaller than slotRequestRetryDelayMs.');
    }
  }

  start(resourceManagerId: ResourceManagerId, mainThreadExecutor: ScheduledExecutor): void {
    this.checkOpen();
    if (this.started) throw new Error('The slot manager has already been started.');
    log.info('Starting the slot manager.');
    this.started = { resourceManagerId, executor: mainThreadExecutor };
    this.scheduleCheck();
  }

  // ---- requirements ---------------------------------------------------------------

  processResourceRequirements(requirements: ResourceRequirements): void {
    this.checkOpen();
    const { jobId } = requirements;
    const hadRequirements = this.resourceTracker.get(jobId) !== undefined;
    this.resourceTracker.notifyResourceRequirements(requirements);
    const job = this.resourceTracker.get(jobId);
    if (!job) {
      if (hadRequirements) log.info(`Clearing resource requirements of job ${jobId}.`);
      return;
    }
    log.info(`Received resource requirements from job ${jobId}: ${totalSlots(job.requirements)} slot(s).`);
    this.scheduleCheck();
  }

  clearResourceRequirements(jobId: JobID): void {
    if (this.closed) return;
    // Flink's maybeReclaimInactiveSlots: slots the JobMaster never activated are
    // of no use to anyone now. The TaskExecutors report them free afterwards.
    for (const taskManager of this.taskManagers.values()) {
      const holdsSlots = [...taskManager.slots.values()].some(
        (slot) => slot.state === 'ALLOCATED' && slot.jobId === jobId,
      );
      if (!holdsSlots) continue;
      try {
        taskManager.connection.gateway.freeInactiveSlots(jobId, this.options.taskManagerRequestTimeoutMs);
      } catch (error) {
        log.warn(`Could not ask ${taskManager.connection.resourceId} to free inactive slots.`, error);
      }
    }
    if (this.resourceTracker.clear(jobId)) log.info(`Clearing resource requirements of job ${jobId}.`);
  }

  // ---- TaskExecutors and their slots --------------------------------------------------

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
    const slots = this.slotsAfterReport(resourceId, initialSlotReport);
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
      failedRequests: 0,
      pause: undefined,
    });
    this.instanceByResource.set(resourceId, instanceId);
    this.scheduleCheck();
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
    taskManager.pause?.cancel();
    this.taskManagers.delete(instanceId);
    this.instanceByResource.delete(taskManager.connection.resourceId);
    // The jobs that held or awaited its slots now miss them.
    if ([...taskManager.slots.values()].some((slot) => slot.state !== 'FREE')) this.scheduleCheck();
    return true;
  }

  reportSlotStatus(instanceId: InstanceID, slotReport: SlotReport): boolean {
    const taskManager = this.taskManagers.get(instanceId);
    if (!taskManager) {
      log.debug(`Received slot report for unknown task executor with instance id ${instanceId}. Ignoring.`);
      return false;
    }
    taskManager.slots = this.slotsAfterReport(
      taskManager.connection.resourceId,
      slotReport,
      taskManager.slots,
    );
    this.scheduleCheck();
    return true;
  }

  freeSlot(slotId: SlotID, allocationId: AllocationID): boolean {
    const instanceId = this.instanceByResource.get(slotId.resourceId);
    const slots = instanceId === undefined ? undefined : this.taskManagers.get(instanceId)?.slots;
    const slot = slots?.get(slotId.slotNumber);
    if (!slots || !slot || slot.state === 'FREE' || slot.allocationId !== allocationId) {
      log.debug(`Slot ${SlotID.toString(slotId)} is not held by ${allocationId}; not freeing it.`);
      return false;
    }
    slots.set(slotId.slotNumber, TaskManagerSlot.free(slot));
    this.scheduleCheck();
    return true;
  }

  // ---- queries ----------------------------------------------------------------------

  getNumberRegisteredSlots(): number {
    let count = 0;
    for (const taskManager of this.taskManagers.values()) count += taskManager.slots.size;
    return count;
  }

  getNumberFreeSlots(): number {
    return this.countSlots((slot) => slot.state === 'FREE');
  }

  getNumberRegisteredSlotsOf(instanceId: InstanceID): number {
    return this.taskManagers.get(instanceId)?.slots.size ?? 0;
  }

  getNumberFreeSlotsOf(instanceId: InstanceID): number {
    const taskManager = this.taskManagers.get(instanceId);
    if (!taskManager) return 0;
    let free = 0;
    for (const slot of taskManager.slots.values()) if (slot.state === 'FREE') free++;
    return free;
  }

  getTaskManagerResourceIds(): ResourceID[] {
    return [...this.instanceByResource.keys()];
  }

  getNumberPendingSlotRequests(jobId?: JobID): number {
    return this.countSlots(
      (slot) => slot.state === 'PENDING' && (jobId === undefined || slot.jobId === jobId),
    );
  }

  getNumberAllocatedSlotsOf(jobId: JobID): number {
    return this.countSlots((slot) => slot.state === 'ALLOCATED' && slot.jobId === jobId);
  }

  getNumberRequiredSlots(jobId: JobID): number {
    return totalSlots(this.resourceTracker.get(jobId)?.requirements ?? []);
  }

  getNumberMissingSlots(jobId: JobID): number {
    const job = this.resourceTracker.get(jobId);
    return job ? totalSlots(missingResources(job.requirements, this.acquiredProfilesOf(jobId))) : 0;
  }

  close(): void {
    if (this.closed) return;
    log.info('Closing the slot manager.');
    this.closed = true;
    for (const taskManager of this.taskManagers.values()) taskManager.pause?.cancel();
    this.taskManagers.clear();
    this.instanceByResource.clear();
    this.resourceTracker.clearAll();
    this.started = undefined;
  }

  // ---- allocation -------------------------------------------------------------------

  /** Runs one check in the main thread, however many changes ask for it before then. */
  private scheduleCheck(): void {
    const started = this.started;
    if (!started || this.closed || this.checkScheduled) return;
    this.checkScheduled = true;
    started.executor.execute(() => {
      this.checkScheduled = false;
      if (!this.closed) this.checkResourceRequirements();
    });
  }

  /** Mirrors DeclarativeSlotManager.checkResourceRequirements, for registered slots only. */
  private checkResourceRequirements(): void {
    for (const [jobId, job] of this.resourceTracker.entries()) {
      for (const missing of missingResources(job.requirements, this.acquiredProfilesOf(jobId))) {
        for (let requested = 0; requested < missing.numberOfRequiredSlots; requested++) {
          const found = this.findFreeMatchingSlot(missing.resourceProfile);
          if (!found) {
            log.debug(
              `Job ${jobId} misses ${missing.numberOfRequiredSlots - requested} slot(s) that no free slot matches.`,
            );
            break;
          }
          this.allocateSlot(found.taskManager, found.slot, jobId, job, missing.resourceProfile);
        }
      }
    }
  }

  private allocateSlot(
    taskManager: TaskManagerRegistration,
    slot: TaskManagerSlot,
    jobId: JobID,
    job: JobRequirements,
    resourceProfile: ResourceProfile,
  ): void {
    const started = this.started!;
    const allocationId = AllocationID.generate();
    const { instanceId, resourceId, gateway } = taskManager.connection;
    const slotNumber = slot.slotId.slotNumber;
    log.info(
      `Starting allocation of slot ${SlotID.toString(slot.slotId)} (${allocationId}) for job ${jobId}.`,
    );
    taskManager.slots.set(slotNumber, TaskManagerSlot.pending(slot, jobId, allocationId));
    let request: Promise<unknown>;
    try {
      request = gateway.requestSlot(
        SlotID.of(resourceId, slotNumber),
        jobId,
        allocationId,
        resourceProfile,
        job.targetAddress,
        started.resourceManagerId,
        this.options.taskManagerRequestTimeoutMs,
        job.jobMasterId,
      );
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      () =>
        started.executor.execute(() => this.slotRequestAcknowledged(instanceId, slotNumber, allocationId)),
      (error: unknown) =>
        started.executor.execute(() => this.slotRequestFailed(instanceId, slotNumber, allocationId, error)),
    );
  }

  private slotRequestAcknowledged(
    instanceId: InstanceID,
    slotNumber: number,
    allocationId: AllocationID,
  ): void {
    const taskManager = this.taskManagers.get(instanceId);
    const slot = this.pendingSlot(taskManager, slotNumber, allocationId);
    if (!taskManager || !slot) return;
    log.debug(`Completed allocation ${allocationId} for job ${slot.jobId}.`);
    taskManager.slots.set(slotNumber, TaskManagerSlot.allocated(slot, slot.jobId, allocationId));
    taskManager.failedRequests = 0;
  }

  private slotRequestFailed(
    instanceId: InstanceID,
    slotNumber: number,
    allocationId: AllocationID,
    error: unknown,
  ): void {
    const taskManager = this.taskManagers.get(instanceId);
    const slot = this.pendingSlot(taskManager, slotNumber, allocationId);
    if (!taskManager || !slot) return;
    if (error instanceof SlotOccupiedError) {
      // The slot is someone's already; take that allocation as the truth.
      log.debug(
        `Slot ${SlotID.toString(slot.slotId)} is occupied by ${error.allocationId} of job ${error.jobId}.`,
      );
      taskManager.slots.set(slotNumber, TaskManagerSlot.allocated(slot, error.jobId, error.allocationId));
    } else {
      log.warn(`Slot allocation ${allocationId} for job ${slot.jobId} failed.`, error);
      taskManager.slots.set(slotNumber, TaskManagerSlot.free(slot));
      this.pause(taskManager);
    }
    this.scheduleCheck();
  }

  /** The slot if it still awaits the answer to the request of `allocationId`; later answers are stale. */
  private pendingSlot(
    taskManager: TaskManagerRegistration | undefined,
    slotNumber: number,
    allocationId: AllocationID,
  ): TaskManagerSlot | undefined {
    const slot = taskManager?.slots.get(slotNumber);
    if (slot?.state === 'PENDING' && slot.allocationId === allocationId) return slot;
    log.debug(`Ignoring the answer to slot request ${allocationId}: it is no longer pending.`);
    return undefined;
  }

  /** Leaves a TaskExecutor that failed a request out of allocation for a while. */
  private pause(taskManager: TaskManagerRegistration): void {
    taskManager.failedRequests++;
    if (taskManager.pause) return;
    const delay = Math.min(
      this.options.slotRequestRetryDelayMs * 2 ** (taskManager.failedRequests - 1),
      this.options.maxSlotRequestRetryDelayMs,
    );
    taskManager.pause = this.started!.executor.schedule(() => {
      taskManager.pause = undefined;
      this.scheduleCheck();
    }, delay);
  }

  private findFreeMatchingSlot(
    required: ResourceProfile,
  ): { taskManager: TaskManagerRegistration; slot: TaskManagerSlot } | undefined {
    for (const taskManager of this.taskManagers.values()) {
      if (taskManager.pause) continue;
      for (const slot of taskManager.slots.values()) {
        if (slot.state === 'FREE' && TaskManagerSlot.matches(slot.resourceProfile, required)) {
          return { taskManager, slot };
        }
      }
    }
    return undefined;
  }

  private acquiredProfilesOf(jobId: JobID): ResourceProfile[] {
    const profiles: ResourceProfile[] = [];
    for (const taskManager of this.taskManagers.values()) {
      for (const slot of taskManager.slots.values()) {
        if (TaskManagerSlot.isAcquiredBy(slot, jobId)) profiles.push(slot.resourceProfile);
      }
    }
    return profiles;
  }

  private countSlots(predicate: (slot: TaskManagerSlot) => boolean): number {
    let count = 0;
    for (const taskManager of this.taskManagers.values()) {
      for (const slot of taskManager.slots.values()) if (predicate(slot)) count++;
    }
    return count;
  }

  private slotsAfterReport(
    resourceId: ResourceID,
    report: SlotReport,
    previous?: ReadonlyMap<number, TaskManagerSlot>,
  ): Map<number, TaskManagerSlot> {
    const { slots, foreign } = slotsAfterReport(resourceId, report, previous);
    for (const slotId of foreign)
      log.warn(`Ignoring slot ${SlotID.toString(slotId)} reported by ${resourceId}.`);
    return slots;
  }

  private checkOpen(): void {
    if (this.closed) throw new SlotManagerClosedError('The slot manager is closed.');
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
