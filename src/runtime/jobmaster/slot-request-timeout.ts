// Fails a job whose tasks wait for slots that never come. Mirrors Flink's
// PhysicalSlotRequestBulkCheckerImpl with slot.request.timeout: a request is
// fulfillable as long as some slot the job holds could serve it once free,
// even if a task occupies it now (testBulkFulfillableWithSlotOccupiedTemporarily);
// it times out only after being unfulfillable for the whole timeout
// (testBulkTimeoutOnCheck). Every task here is its own pipelined region of one
// slot, so the rule is: the clock runs while tasks wait for a slot and the job
// holds none, and starts over whenever it gets one. More tasks than slots is
// not a timeout: those tasks wait their turn.

import type { ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';

export class SlotRequestTimeout {
  private timer: ScheduledTask | undefined;

  constructor(
    private readonly executor: ScheduledExecutor,
    readonly timeoutMs: number,
    /** The timeout passed while the requests were unfulfillable. */
    private readonly onTimeout: () => void,
  ) {}

  /** Starts the clock when the job's slot requests become unfulfillable, stops it when they no longer are. */
  update(unfulfillable: boolean): void {
    if (!unfulfillable) {
      this.stop();
      return;
    }
    if (this.timer) return;
    const timer = this.executor.schedule(() => {
      // A timer stopped while its run was already queued must not act.
      if (this.timer !== timer) return;
      this.timer = undefined;
      this.onTimeout();
    }, this.timeoutMs);
    this.timer = timer;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
