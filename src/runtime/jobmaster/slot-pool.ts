// The slots a JobMaster holds, and which execution uses each. Mirrors Flink's
// DeclarativeSlotPool with its AllocatedSlotPool: TaskExecutors must register
// before their offers count, an offer is accepted only while the job still
// needs slots (a re-offer of a slot it holds is accepted again), and releasing a
// TaskExecutor or failing a slot hands back what ran there.
//
// A slot whose tasks are short takes several executions: one runs, the others
// wait in its worker's queue (see SlotWorker), so the worker starts the next
// task the moment the last one returns instead of idling for a round trip to
// the JobMaster, and a slot of tiny tasks costs a few messages per batch instead
// of several per task (Flink shares a slot among several tasks, too). How many:
// enough to keep the worker busy for kSlotQueueMs at the pace its last task
// ran, at most `executionsPerSlot`. A slot starts with room for one; only once
// an execution has finished there in under kShortTaskMs does it queue, and only
// when the caller allows it: a job's first tasks spread over all the slots that
// arrive, long tasks never wait behind each other, and a job's last tasks do
// not queue while a slot is idle.
// Slots with room are kept in insertion order in Sets, so taking one is O(1).

import type { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import type { AllocatedSlotReport } from '../types/heartbeat-payloads.js';
import type { AllocationID, ExecutionAttemptID, JobID, ResourceID } from '../types/ids.js';
import type { ResourceProfile } from '../types/resource-profile.js';
import type { SlotOffer } from '../types/slot-offer.js';

export interface AllocatedSlot {
  readonly allocationId: AllocationID;
  readonly resourceId: ResourceID;
  readonly slotIndex: number;
  readonly resourceProfile: ResourceProfile;
  readonly gateway: TaskExecutorGateway;
  /** The executions deployed to the slot: the running one and those queued behind it. */
  readonly executionIds: Set<ExecutionAttemptID>;
  /** How many executions the slot takes now: 1, or more once its tasks proved short (see slotCapacity). */
  capacity: number;
}

/** The most executions one slot takes; tiny tasks reach it. */
export const kDefaultExecutionsPerSlot = 64;
/** A task that ran shorter than this gains from queueing; a longer one does not notice the round trip. */
export const kShortTaskMs = 5;
/** The work a slot of short tasks holds beyond the running one: more than a round trip to the JobMaster under load. */
export const kSlotQueueMs = 2;

/** How many executions a slot takes after one finished there in `ranForMs`. */
export function slotCapacity(ranForMs: number, executionsPerSlot: number): number {
  if (!(ranForMs < kShortTaskMs)) return 1;
  return Math.min(executionsPerSlot, 1 + Math.ceil(kSlotQueueMs / Math.max(ranForMs, 0.001)));
}

export class SlotPool {
  private readonly taskManagers = new Map<ResourceID, Set<AllocationID>>();
  private readonly slots = new Map<AllocationID, AllocatedSlot>();
  /** Slots without executions. */
  private readonly idleSlots = new Set<AllocationID>();
  /** Warm slots with executions and room for more. */
  private readonly partialSlots = new Set<AllocationID>();

  constructor(private readonly executionsPerSlot: number = kDefaultExecutionsPerSlot) {
    if (!Number.isInteger(executionsPerSlot) || executionsPerSlot < 1) {
      throw new RangeError(`executionsPerSlot must be a whole number ≥ 1, got ${executionsPerSlot}`);
    }
  }

  registerTaskManager(resourceId: ResourceID): void {
    if (!this.taskManagers.has(resourceId)) this.taskManagers.set(resourceId, new Set());
  }

  isTaskManagerRegistered(resourceId: ResourceID): boolean {
    return this.taskManagers.has(resourceId);
  }

  /** Forgets the TaskExecutor and its slots; returns the slots, some of them in use. */
  releaseTaskManager(resourceId: ResourceID): AllocatedSlot[] {
    const allocationIds = this.taskManagers.get(resourceId);
    if (!allocationIds) return [];
    this.taskManagers.delete(resourceId);
    const released: AllocatedSlot[] = [];
    for (const allocationId of allocationIds) {
      const slot = this.removeSlot(allocationId);
      if (slot) released.push(slot);
    }
    return released;
  }

  /**
   * Accepts offers of a registered TaskExecutor: every slot the pool already
   * holds, and new ones while the pool holds fewer than `wanted` slots.
   */
  offerSlots(
    resourceId: ResourceID,
    gateway: TaskExecutorGateway,
    offers: readonly SlotOffer[],
    wanted: number,
  ): SlotOffer[] {
    const ofTaskManager = this.taskManagers.get(resourceId);
    if (!ofTaskManager) return [];
    const accepted: SlotOffer[] = [];
    for (const offer of offers) {
      const held = this.slots.get(offer.allocationId);
      if (held) {
        if (held.resourceId === resourceId) accepted.push(offer);
        continue;
      }
      if (this.slots.size >= wanted) continue;
      const slot: AllocatedSlot = {
        allocationId: offer.allocationId,
        resourceId,
        slotIndex: offer.slotIndex,
        resourceProfile: offer.resourceProfile,
        gateway,
        executionIds: new Set(),
        capacity: 1,
      };
      this.slots.set(slot.allocationId, slot);
      this.idleSlots.add(slot.allocationId);
      ofTaskManager.add(slot.allocationId);
      accepted.push(offer);
    }
    return accepted;
  }

  /** Forgets one slot; returns it (its execution, if any, has lost its slot). */
  removeSlot(allocationId: AllocationID): AllocatedSlot | undefined {
    const slot = this.slots.get(allocationId);
    if (!slot) return undefined;
    this.slots.delete(allocationId);
    this.idleSlots.delete(allocationId);
    this.partialSlots.delete(allocationId);
    this.taskManagers.get(slot.resourceId)?.delete(allocationId);
    return slot;
  }

  getSlot(allocationId: AllocationID): AllocatedSlot | undefined {
    return this.slots.get(allocationId);
  }

  /**
   * A slot for `executionId`: an idle one if there is one, else (if `mayQueue`)
   * one of short tasks with room; undefined if there is none.
   */
  assignFreeSlot(executionId: ExecutionAttemptID, mayQueue = false): AllocatedSlot | undefined {
    const allocationId = first(this.idleSlots) ?? (mayQueue ? first(this.partialSlots) : undefined);
    if (allocationId === undefined) return undefined;
    const slot = this.slots.get(allocationId) as AllocatedSlot;
    slot.executionIds.add(executionId);
    this.idleSlots.delete(allocationId);
    if (slot.executionIds.size < slot.capacity) this.partialSlots.add(allocationId);
    else this.partialSlots.delete(allocationId);
    return slot;
  }

  /**
   * The execution has left the slot; the slot has room again. `ranForMs`: how
   * long it ran, if it finished there, which sets how many the slot takes.
   */
  releaseAssignment(allocationId: AllocationID, executionId: ExecutionAttemptID, ranForMs?: number): void {
    const slot = this.slots.get(allocationId);
    if (!slot?.executionIds.delete(executionId)) return;
    if (ranForMs !== undefined) slot.capacity = slotCapacity(ranForMs, this.executionsPerSlot);
    if (slot.executionIds.size === 0) {
      this.partialSlots.delete(allocationId);
      this.idleSlots.add(allocationId);
    } else if (slot.executionIds.size < slot.capacity) {
      this.partialSlots.add(allocationId);
    } else {
      this.partialSlots.delete(allocationId);
    }
  }

  /** Removes idle slots until at most `keep` slots remain; returns the removed ones. */
  trimFreeSlots(keep: number): AllocatedSlot[] {
    const removed: AllocatedSlot[] = [];
    for (const allocationId of this.idleSlots) {
      if (this.slots.size <= keep) break;
      const slot = this.removeSlot(allocationId);
      if (slot) removed.push(slot);
    }
    return removed;
  }

  /** Every slot, for releasing them all. */
  getAllSlots(): AllocatedSlot[] {
    return [...this.slots.values()];
  }

  slotsOf(resourceId: ResourceID): number {
    return this.taskManagers.get(resourceId)?.size ?? 0;
  }

  getRegisteredTaskManagers(): ResourceID[] {
    return [...this.taskManagers.keys()];
  }

  get size(): number {
    return this.slots.size;
  }

  /** Whether some slot can take another execution (`mayQueue`: see assignFreeSlot). */
  hasRoom(mayQueue = false): boolean {
    return this.idleSlots.size > 0 || (mayQueue && this.partialSlots.size > 0);
  }

  get numberOfIdleSlots(): number {
    return this.idleSlots.size;
  }

  /** What the JobMaster believes it holds on `resourceId`; the heartbeat carries it for reconciliation. */
  createAllocatedSlotReport(jobId: JobID, resourceId: ResourceID): AllocatedSlotReport {
    const allocatedSlotInfos = [];
    for (const allocationId of this.taskManagers.get(resourceId) ?? []) {
      const slot = this.slots.get(allocationId) as AllocatedSlot;
      allocatedSlotInfos.push({ slotIndex: slot.slotIndex, allocationId });
    }
    return { jobId, allocatedSlotInfos };
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const value of set) return value;
  return undefined;
}
