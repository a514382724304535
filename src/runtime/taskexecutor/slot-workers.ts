// The task worker threads of a TaskExecutor's slots: one SlotWorker per
// allocation, made when the allocation's first task is submitted and ended when
// the slot is freed. Flink gives every Task a thread of its own; here a slot's
// tasks take turns on the slot's worker (see task/slot-worker.ts).

import type { AllocationID, ResourceID } from '../types/ids.js';
import { SlotWorker } from './task/slot-worker.js';

export class SlotWorkers {
  private readonly workers = new Map<AllocationID, SlotWorker>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    /** The slot's task worker entry (workers/task-slot-worker.js). */
    private readonly entry: URL,
    private readonly resourceId: ResourceID,
  ) {}

  /** The worker of the allocation's slot, made on first use; it starts its thread with its first task. */
  of(allocationId: AllocationID): SlotWorker {
    let worker = this.workers.get(allocationId);
    if (!worker) {
      // One worker per allocation, not per slot index: a job's modules and globals must not meet the next job's.
      worker = new SlotWorker(this.entry, `task slot ${allocationId} of ${this.resourceId}`);
      this.workers.set(allocationId, worker);
    }
    return worker;
  }

  /** Ends the allocation's worker, if it has one; closeAll waits for it. */
  close(allocationId: AllocationID): void {
    const worker = this.workers.get(allocationId);
    if (!worker) return;
    this.workers.delete(allocationId);
    const closing = worker.close();
    this.closing.add(closing);
    void closing.then(() => this.closing.delete(closing));
  }

  /** Ends every worker; settles once every thread, also those closing already, has exited. */
  async closeAll(): Promise<void> {
    for (const allocationId of [...this.workers.keys()]) this.close(allocationId);
    await Promise.all(this.closing);
  }
}
