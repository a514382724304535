// One allocated slot and the tasks in it, mirroring Flink's TaskSlot. It starts
// ALLOCATED, toggles between ALLOCATED and ACTIVE, and ends RELEASING: closing it
// fails its tasks, and the closing promise settles once the last task is removed.

import { FlinkError } from '../../flink-error.js';
import type { AllocationID, ExecutionAttemptID, JobID } from '../../types/ids.js';
import { ResourceProfile } from '../../types/resource-profile.js';
import type { SlotOffer } from '../../types/slot-offer.js';
import type { TaskSlotPayload } from './task-slot-payload.js';
import { TaskSlotState } from './task-slot-state.js';

export class TaskSlot<T extends TaskSlotPayload = TaskSlotPayload> {
  private readonly tasks = new Map<ExecutionAttemptID, T>();
  private currentState: TaskSlotState = TaskSlotState.ALLOCATED;
  private closing: Promise<void> | undefined;
  private resolveClosing: (() => void) | undefined;

  constructor(
    readonly index: number,
    readonly resourceProfile: ResourceProfile,
    readonly jobId: JobID,
    readonly allocationId: AllocationID,
  ) {}

  get state(): TaskSlotState {
    return this.currentState;
  }

  isEmpty(): boolean {
    return this.tasks.size === 0;
  }

  isActive(jobId: JobID, allocationId: AllocationID): boolean {
    return this.currentState === TaskSlotState.ACTIVE && this.owns(jobId, allocationId);
  }

  /** ALLOCATED or ACTIVE for this job and allocation; a releasing slot no longer counts. */
  isAllocated(jobId: JobID, allocationId: AllocationID): boolean {
    return this.currentState !== TaskSlotState.RELEASING && this.owns(jobId, allocationId);
  }

  isReleasing(): boolean {
    return this.currentState === TaskSlotState.RELEASING;
  }

  getTasks(): T[] {
    return [...this.tasks.values()];
  }

  /**
   * Adds a task of this slot's job and allocation to an ACTIVE slot. Returns false,
   * keeping the first, if a task with the same execution id is already here.
   */
  add(task: T): boolean {
    if (!this.owns(task.jobId, task.allocationId)) {
      throw new Error(
        `The task's job id ${task.jobId} and allocation id ${task.allocationId} do not match ` +
          `the slot's ${this.jobId} and ${this.allocationId}.`,
      );
    }
    if (this.currentState !== TaskSlotState.ACTIVE) throw new Error('The task slot is not in state active.');
    if (this.tasks.has(task.executionId)) return false;
    this.tasks.set(task.executionId, task);
    return true;
  }

  remove(executionId: ExecutionAttemptID): T | undefined {
    const task = this.tasks.get(executionId);
    if (task === undefined) return undefined;
    this.tasks.delete(executionId);
    this.settleClosingIfEmpty();
    return task;
  }

  /** ALLOCATED or ACTIVE -> ACTIVE; false when releasing. */
  markActive(): boolean {
    if (this.currentState === TaskSlotState.RELEASING) return false;
    this.currentState = TaskSlotState.ACTIVE;
    return true;
  }

  /** ACTIVE or ALLOCATED -> ALLOCATED; false when releasing. */
  markInactive(): boolean {
    if (this.currentState === TaskSlotState.RELEASING) return false;
    this.currentState = TaskSlotState.ALLOCATED;
    return true;
  }

  generateSlotOffer(): SlotOffer {
    if (this.currentState === TaskSlotState.RELEASING) {
      throw new Error('The task slot is not in state active or allocated.');
    }
    return { allocationId: this.allocationId, slotIndex: this.index, resourceProfile: this.resourceProfile };
  }

  /**
   * Moves the slot to RELEASING, once, and fails the tasks still in it. The promise
   * settles when the slot is empty; later calls return the same promise.
   */
  closeAsync(cause: Error = new FlinkError('Closing the slot')): Promise<void> {
    if (this.closing) return this.closing;
    this.currentState = TaskSlotState.RELEASING;
    this.closing = new Promise<void>((resolve) => (this.resolveClosing = resolve));
    // Created before failing the tasks: a task may remove itself from within failExternally.
    for (const task of this.getTasks()) task.failExternally?.(cause);
    this.settleClosingIfEmpty();
    return this.closing;
  }

  toString(): string {
    return (
      `TaskSlot(index:${this.index}, state:${this.currentState}, resource profile: ` +
      `${ResourceProfile.toString(this.resourceProfile)}, allocationId: ${this.allocationId}, jobId: ${this.jobId})`
    );
  }

  private owns(jobId: JobID, allocationId: AllocationID): boolean {
    return jobId === this.jobId && allocationId === this.allocationId;
  }

  private settleClosingIfEmpty(): void {
    if (this.resolveClosing && this.tasks.size === 0) {
      this.resolveClosing();
      this.resolveClosing = undefined;
    }
  }
}
