// The TaskExecutor's slots: which allocation holds which slot, for which job, and
// which tasks run in it. Mirrors Flink's TaskSlotTableImpl: static slots 0..n-1,
// dynamic slots numbered from n, a resource budget, and a timeout for every slot
// that is allocated but not active. Lives on the TaskExecutor's thread.

import { FlinkError } from '../../flink-error.js';
import type { AllocationID, ExecutionAttemptID, JobID, ResourceID } from '../../types/ids.js';
import { generateDefaultSlotResourceProfile, ResourceProfile } from '../../types/resource-profile.js';
import type { SlotReport, SlotStatus } from '../../types/slot-report.js';
import { ResourceBudgetManager } from './resource-budget-manager.js';
import type { SlotActions } from './slot-actions.js';
import { SlotNotActiveError, SlotNotFoundError } from './slot-errors.js';
import { TaskSlot } from './task-slot.js';
import type { TaskSlotPayload } from './task-slot-payload.js';
import { TaskSlotState } from './task-slot-state.js';
import type { TimeoutTicket, TimerService } from './timer-service.js';

export interface TaskSlotTableOptions {
  /** Number of static slots; at least one. */
  readonly numberSlots: number;
  /** All resources of the TaskExecutor; static and dynamic slots draw from it. */
  readonly totalResourceProfile: ResourceProfile;
  /** Profile of a static slot, and of a request with an UNKNOWN profile. Default: total / numberSlots. */
  readonly defaultSlotResourceProfile?: ResourceProfile;
  /** Times out allocated-but-inactive slots; the table starts and stops it. */
  readonly timerService: TimerService<AllocationID>;
}

type TableState = 'CREATED' | 'RUNNING' | 'CLOSING' | 'CLOSED';

export class TaskSlotTable<T extends TaskSlotPayload = TaskSlotPayload> {
  readonly numberSlots: number;
  readonly defaultSlotResourceProfile: ResourceProfile;
  private readonly timerService: TimerService<AllocationID>;
  private readonly budgetManager: ResourceBudgetManager;

  /** Occupied slots by index; a missing index is a free slot. */
  private readonly taskSlots = new Map<number, TaskSlot<T>>();
  private readonly allocatedSlots = new Map<AllocationID, TaskSlot<T>>();
  private readonly taskSlotMappings = new Map<ExecutionAttemptID, { task: T; slot: TaskSlot<T> }>();
  private readonly slotsPerJob = new Map<JobID, Set<AllocationID>>();

  private state: TableState = 'CREATED';
  private slotActions: SlotActions | undefined;
  private dynamicSlotIndex: number;
  private closing: Promise<void> | undefined;

  constructor(options: TaskSlotTableOptions) {
    const { numberSlots, totalResourceProfile } = options;
    if (!Number.isInteger(numberSlots) || numberSlots <= 0) {
      throw new RangeError(`The number of task slots must be greater than 0, got ${numberSlots}.`);
    }
    this.numberSlots = numberSlots;
    this.dynamicSlotIndex = numberSlots;
    this.defaultSlotResourceProfile =
      options.defaultSlotResourceProfile ??
      generateDefaultSlotResourceProfile(totalResourceProfile, numberSlots);
    this.timerService = options.timerService;
    this.budgetManager = new ResourceBudgetManager(totalResourceProfile);
  }

  // ---------------------------------------------------------------- lifecycle

  start(slotActions: SlotActions): void {
    if (this.state !== 'CREATED')
      throw new Error('The TaskSlotTable has to be just created before starting.');
    this.slotActions = slotActions;
    this.timerService.start({
      notifyTimeout: (allocationId, ticket) => this.notifyTimeout(allocationId, ticket),
    });
    this.state = 'RUNNING';
  }

  /**
   * Frees every slot, failing the tasks in them, and settles once all those tasks have
   * been removed. Then the timer service is stopped and the table is CLOSED.
   */
  closeAsync(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.state === 'CREATED') {
      this.state = 'CLOSED';
      this.closing = Promise.resolve();
      return this.closing;
    }
    this.state = 'CLOSING';
    const cause = new FlinkError('Closing task slot table');
    const slotsClosed = [...this.allocatedSlots.values()].map((slot) => this.freeSlotInternal(slot, cause));
    this.closing = Promise.all(slotsClosed).then(() => {
      this.state = 'CLOSED';
      this.timerService.stop();
    });
    return this.closing;
  }

  isClosed(): boolean {
    return this.state === 'CLOSED';
  }

  // ---------------------------------------------------------------- slots

  /**
   * Allocates slot `index` (or, if `index` is negative, a new dynamic slot) for the
   * job and allocation, and arms its timeout. Repeating an allocation with the same
   * job, profile and index succeeds without change. False if the allocation id holds
   * another slot, the index is taken, or the budget is short.
   */
  allocateSlot(
    index: number,
    jobId: JobID,
    allocationId: AllocationID,
    resourceProfile: ResourceProfile,
    slotTimeoutMs: number,
  ): boolean {
    this.checkRunning();
    if (!Number.isInteger(index) || index >= this.numberSlots) {
      throw new RangeError(`The slot index must be an integer below ${this.numberSlots}, got ${index}.`);
    }
    const isDynamic = index < 0;
    const profile = ResourceProfile.isUnknown(resourceProfile)
      ? this.defaultSlotResourceProfile
      : resourceProfile;

    const existing = this.allocatedSlots.get(allocationId);
    if (existing) {
      // Unlike Flink, a repeated dynamic request neither uses up a dynamic index nor
      // matches a static slot of the same allocation.
      return (
        existing.jobId === jobId &&
        ResourceProfile.equals(existing.resourceProfile, profile) &&
        (isDynamic ? this.isDynamicIndex(existing.index) : existing.index === index)
      );
    }
    if (!isDynamic && this.taskSlots.has(index)) return false;
    if (!this.budgetManager.reserve(profile)) return false;

    const slotIndex = isDynamic ? this.dynamicSlotIndex++ : index;
    const slot = new TaskSlot<T>(slotIndex, profile, jobId, allocationId);
    this.taskSlots.set(slotIndex, slot);
    this.allocatedSlots.set(allocationId, slot);
    // An allocated slot that no JobMaster activates must not stay reserved for ever.
    this.timerService.registerTimeout(allocationId, slotTimeoutMs);
    let slots = this.slotsPerJob.get(jobId);
    if (!slots) this.slotsPerJob.set(jobId, (slots = new Set()));
    slots.add(allocationId);
    return true;
  }

  /** Marks the slot ACTIVE and cancels its timeout. False if it is releasing. */
  markSlotActive(allocationId: AllocationID): boolean {
    this.checkRunning();
    return this.markExistingSlotActive(this.getExistingSlot(allocationId));
  }

  /** Marks the slot ALLOCATED again and re-arms its timeout. False if it is releasing. */
  markSlotInactive(allocationId: AllocationID, slotTimeoutMs: number): boolean {
    this.checkStarted();
    const slot = this.getExistingSlot(allocationId);
    if (!slot.markInactive()) return false;
    this.timerService.registerTimeout(allocationId, slotTimeoutMs);
    return true;
  }

  /** Like markSlotActive, but only for the owning job, and false instead of an error. */
  tryMarkSlotActive(jobId: JobID, allocationId: AllocationID): boolean {
    const slot = this.allocatedSlots.get(allocationId);
    return slot !== undefined && slot.isAllocated(jobId, allocationId) && this.markExistingSlotActive(slot);
  }

  /**
   * Frees the slot and returns its index. If tasks remain, they are failed, the slot
   * becomes RELEASING and -1 is returned; removing its last task then calls
   * SlotActions.freeSlot, and the owner frees it for good.
   */
  freeSlot(
    allocationId: AllocationID,
    cause: Error = new FlinkError('The task slot of this task is being freed.'),
  ): number {
    this.checkStarted();
    const slot = this.getExistingSlot(allocationId);
    void this.freeSlotInternal(slot, cause);
    return slot.isEmpty() ? slot.index : -1;
  }

  /** Whether `ticket` is the current timeout of the allocation, so the timeout may act. */
  isValidTimeout(allocationId: AllocationID, ticket: TimeoutTicket): boolean {
    this.checkStarted();
    return this.state === 'RUNNING' && this.timerService.isValid(allocationId, ticket);
  }

  isAllocated(index: number, jobId: JobID, allocationId: AllocationID): boolean {
    return this.taskSlots.get(index)?.isAllocated(jobId, allocationId) ?? false;
  }

  isSlotFree(index: number): boolean {
    return !this.taskSlots.has(index);
  }

  hasAllocatedSlots(jobId: JobID): boolean {
    return this.getAllocatedSlots(jobId).length > 0;
  }

  /** The job's slots in state ALLOCATED (not active, not releasing). */
  getAllocatedSlots(jobId: JobID): TaskSlot<T>[] {
    return this.slotsOfJobInState(jobId, TaskSlotState.ALLOCATED);
  }

  getOwningJob(allocationId: AllocationID): JobID | undefined {
    return this.allocatedSlots.get(allocationId)?.jobId;
  }

  /** The index of the allocation's slot. Throws SlotNotFoundError for an unknown allocation. */
  getIndexOf(allocationId: AllocationID): number {
    return this.getExistingSlot(allocationId).index;
  }

  getCurrentAllocation(index: number): AllocationID | undefined {
    return this.taskSlots.get(index)?.allocationId;
  }

  getAllocationIdsPerJob(jobId: JobID): Set<AllocationID> {
    return new Set(this.slotsPerJob.get(jobId));
  }

  getActiveTaskSlotAllocationIds(): Set<AllocationID> {
    const ids = new Set<AllocationID>();
    for (const slot of this.allocatedSlots.values()) {
      if (slot.state === TaskSlotState.ACTIVE) ids.add(slot.allocationId);
    }
    return ids;
  }

  getActiveTaskSlotAllocationIdsPerJob(jobId: JobID): Set<AllocationID> {
    return new Set(this.slotsOfJobInState(jobId, TaskSlotState.ACTIVE).map((slot) => slot.allocationId));
  }

  /** Every static slot (free or not) plus every allocated dynamic slot. */
  createSlotReport(resourceId: ResourceID): SlotReport {
    const slots: SlotStatus[] = [];
    for (let i = 0; i < this.numberSlots; i++) {
      const slot = this.taskSlots.get(i);
      slots.push(
        slot
          ? this.slotStatus(resourceId, slot)
          : { slotId: { resourceId, slotNumber: i }, resourceProfile: this.defaultSlotResourceProfile },
      );
    }
    for (const slot of this.allocatedSlots.values()) {
      if (this.isDynamicIndex(slot.index)) slots.push(this.slotStatus(resourceId, slot));
    }
    return { slots };
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Adds a task to its ACTIVE slot. False if a task with the same execution id is
   * already there. Throws SlotNotFoundError or SlotNotActiveError.
   */
  addTask(task: T): boolean {
    this.checkRunning();
    const slot = this.allocatedSlots.get(task.allocationId);
    if (!slot) throw SlotNotFoundError.forAllocation(task.allocationId);
    if (!slot.isActive(task.jobId, task.allocationId)) {
      throw SlotNotActiveError.forAllocation(task.jobId, task.allocationId);
    }
    if (!slot.add(task)) return false;
    this.taskSlotMappings.set(task.executionId, { task, slot });
    return true;
  }

  /** Removes a task, which marks it terminated; the last task of a releasing slot triggers SlotActions.freeSlot. */
  removeTask(executionId: ExecutionAttemptID): T | undefined {
    this.checkStarted();
    const mapping = this.taskSlotMappings.get(executionId);
    if (!mapping) return undefined;
    this.taskSlotMappings.delete(executionId);
    const { task, slot } = mapping;
    slot.remove(executionId);
    if (slot.isReleasing() && slot.isEmpty()) this.slotActions?.freeSlot(slot.allocationId);
    return task;
  }

  getTask(executionId: ExecutionAttemptID): T | undefined {
    return this.taskSlotMappings.get(executionId)?.task;
  }

  /** The tasks in the job's ACTIVE slots. */
  getTasks(jobId: JobID): T[] {
    return this.slotsOfJobInState(jobId, TaskSlotState.ACTIVE).flatMap((slot) => slot.getTasks());
  }

  // ---------------------------------------------------------------- internals

  private notifyTimeout(allocationId: AllocationID, ticket: TimeoutTicket): void {
    this.slotActions?.timeoutSlot(allocationId, ticket);
  }

  private markExistingSlotActive(slot: TaskSlot<T>): boolean {
    if (!slot.markActive()) return false;
    // An active slot is in use; only an inactive one times out (FLINK-18012).
    this.timerService.unregisterTimeout(slot.allocationId);
    return true;
  }

  private freeSlotInternal(slot: TaskSlot<T>, cause: Error): Promise<void> {
    if (slot.isEmpty()) {
      const { allocationId, jobId } = slot;
      this.allocatedSlots.delete(allocationId);
      this.timerService.unregisterTimeout(allocationId);
      const slots = this.slotsPerJob.get(jobId);
      if (!slots) {
        throw new Error(
          `There are no more slots allocated for the job ${jobId}. This indicates a programming bug.`,
        );
      }
      slots.delete(allocationId);
      if (slots.size === 0) this.slotsPerJob.delete(jobId);
      this.taskSlots.delete(slot.index);
      this.budgetManager.release(slot.resourceProfile);
    }
    return slot.closeAsync(cause);
  }

  private slotsOfJobInState(jobId: JobID, state: TaskSlotState): TaskSlot<T>[] {
    const result: TaskSlot<T>[] = [];
    for (const allocationId of this.slotsPerJob.get(jobId) ?? []) {
      const slot = this.allocatedSlots.get(allocationId);
      if (slot?.state === state) result.push(slot);
    }
    return result;
  }

  private slotStatus(resourceId: ResourceID, slot: TaskSlot<T>): SlotStatus {
    return {
      slotId: { resourceId, slotNumber: slot.index },
      resourceProfile: slot.resourceProfile,
      allocationId: slot.allocationId,
      jobId: slot.jobId,
    };
  }

  private getExistingSlot(allocationId: AllocationID): TaskSlot<T> {
    const slot = this.allocatedSlots.get(allocationId);
    if (!slot) throw SlotNotFoundError.forAllocation(allocationId);
    return slot;
  }

  private isDynamicIndex(index: number): boolean {
    return index >= this.numberSlots;
  }

  private checkRunning(): void {
    if (this.state !== 'RUNNING')
      throw new Error(`The TaskSlotTable has to be running, but is ${this.state}.`);
  }

  private checkStarted(): void {
    if (this.state === 'CREATED') throw new Error('The TaskSlotTable has to be started (not created).');
  }
}
