// The slots a JobMaster holds, and which execution uses each. Mirrors Flink's
// DeclarativeSlotPool with its AllocatedSlotPool: TaskExecutors must register
// before their offers count, an offer is accepted only while the job still
// needs slots (a re-offer of a slot it holds is accepted again), and releasing a
// TaskExecutor or failing a slot hands back what ran there.
//
// Free slots are kept in insertion order in a Set, so taking one is O(1) on
// the per-task path.

import type { TaskExecutorGateway } from '../taskexecutor/task-executor-gateway.js';
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
  /** The execution that runs in the slot, if any. */
  executionId: ExecutionAttemptID | undefined;
}

export class SlotPool {
  private readonly taskManagers = new Map<ResourceID, Set<AllocationID>>();
  private readonly slots = new Map<AllocationID, AllocatedSlot>();
  private readonly freeSlots = new Set<AllocationID>();

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
        executionId: undefined,
      };
      this.slots.set(slot.allocationId, slot);
      this.freeSlots.add(slot.allocationId);
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
    this.freeSlots.delete(allocationId);
    this.taskManagers.get(slot.resourceId)?.delete(allocationId);
    return slot;
  }

  getSlot(allocationId: AllocationID): AllocatedSlot | undefined {
    return this.slots.get(allocationId);
  }

  /** Takes the oldest free slot for `executionId`, if there is one. */
  assignFreeSlot(executionId: ExecutionAttemptID): AllocatedSlot | undefined {
    for (const allocationId of this.freeSlots) {
      this.freeSlots.delete(allocationId);
      const slot = this.slots.get(allocationId) as AllocatedSlot;
      slot.executionId = executionId;
      return slot;
    }
    return undefined;
  }

  /** The execution in the slot is done; the slot is free for the next one. */
  releaseAssignment(allocationId: AllocationID, executionId: ExecutionAttemptID): void {
    const slot = this.slots.get(allocationId);
    if (slot?.executionId !== executionId) return;
    slot.executionId = undefined;
    this.freeSlots.add(allocationId);
  }

  /** Removes free slots until at most `keep` slots remain; returns the removed ones. */
  trimFreeSlots(keep: number): AllocatedSlot[] {
    const removed: AllocatedSlot[] = [];
    for (const allocationId of this.freeSlots) {
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

  get numberOfFreeSlots(): number {
    return this.freeSlots.size;
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
