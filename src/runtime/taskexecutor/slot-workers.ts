// The task worker threads of a TaskExecutor's slots: one SlotWorker per slot
// index, started when the slot is first allocated and kept warm from one
// allocation, and one job, to the next (see task/slot-worker.ts for how jobs
// stay apart on a shared thread). Flink gives every Task a thread of its own;
// here a slot's tasks take turns on the slot's worker. closeAll() ends them.

import type { ResourceID } from '../types/ids.js';
import { SlotWorker } from './task/slot-worker.js';

export class SlotWorkers {
  private readonly workers = new Map<number, SlotWorker>();

  constructor(
    /** The slot's task worker entry (workers/task-slot-worker.js). */
    private readonly entry: URL,
    private readonly resourceId: ResourceID,
  ) {}

  /** The worker of slot `index`, made on first use. */
  of(index: number): SlotWorker {
    let worker = this.workers.get(index);
    if (!worker) {
      worker = new SlotWorker(this.entry, `task slot ${index} of ${this.resourceId}`);
      this.workers.set(index, worker);
    }
    return worker;
  }

  /** Slot `index` was allocated: its worker starts now, if it is not running, so its first task finds it warm. */
  allocated(index: number): void {
    this.of(index).prestart();
  }

  /** Slot `index` was freed; its worker stays for the next allocation, unless it is due to be recycled. */
  freed(index: number): void {
    this.workers.get(index)?.released();
  }

  /** The thread ids of the live slot workers, by slot index. */
  threadIds(): Map<number, number> {
    const ids = new Map<number, number>();
    for (const [index, worker] of this.workers)
      if (worker.threadId !== undefined) ids.set(index, worker.threadId);
    return ids;
  }

  /** Ends every worker; settles once every thread has exited. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.close()));
  }
}
