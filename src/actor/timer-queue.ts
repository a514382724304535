// One timer structure per actor system: an indexed binary min-heap of deadlines
// behind a single setTimeout. An ask costs an O(log n) heap insert instead of a
// setTimeout, and settling it removes its entry at once, so settled asks never
// linger until their deadline.
//
// The timer stays armed when the heap empties: it is only unref'd, so that it
// keeps no process alive. Sequential asks with the same timeout then arm no
// timer at all (each deadline is later than the one armed), instead of a
// setTimeout and a clearTimeout per ask. A timer that fires with nothing due
// re-arms for the earliest deadline; that costs one early wake-up at most.

export interface TimerEntry {
  /** Absolute deadline on performance.now()'s time line. */
  deadline: number;
  /** Position in the heap; -1 when not queued. Owned by the queue. */
  heapIndex: number;
  /** Insertion order, which breaks ties between equal deadlines (first in, first out). Owned by the queue. */
  seq: number;
  onTimer(): void;
}

export class TimerQueue {
  private readonly heap: TimerEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private readonly fire = () => this.runDue();
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(entry: TimerEntry): void {
    entry.seq = this.nextSeq++;
    entry.heapIndex = this.heap.length;
    this.heap.push(entry);
    this.siftUp(entry.heapIndex);
    if (entry.deadline < this.armedFor) this.arm(entry.deadline);
    else if (this.heap.length === 1) this.timer?.ref();
  }

  remove(entry: TimerEntry): void {
    const index = entry.heapIndex;
    if (index < 0) return;
    entry.heapIndex = -1;
    const last = this.heap.pop()!;
    if (index < this.heap.length) {
      this.heap[index] = last;
      last.heapIndex = index;
      this.siftDown(index);
      this.siftUp(last.heapIndex);
    }
    if (this.heap.length === 0) this.timer?.unref();
  }

  /** Cancels every entry without firing it. */
  clear(): void {
    for (const entry of this.heap) entry.heapIndex = -1;
    this.heap.length = 0;
    this.disarm();
  }

  private runDue(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    // setTimeout may fire up to 1 ms early relative to performance.now().
    const now = performance.now() + 1;
    while (this.heap.length > 0 && this.heap[0]!.deadline <= now) {
      const entry = this.heap[0]!;
      this.remove(entry);
      try {
        entry.onTimer();
      } catch (error) {
        // One failing task must not stop the others; surface it as uncaught.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (this.heap.length > 0) this.arm(this.heap[0]!.deadline);
  }

  private arm(deadline: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = deadline;
    this.timer = setTimeout(this.fire, Math.max(0, deadline - performance.now()));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!runsBefore(entry, parent)) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    const half = heap.length >> 1;
    while (index < half) {
      let childIndex = 2 * index + 1;
      let child = heap[childIndex]!;
      const right = heap[childIndex + 1];
      if (right && runsBefore(right, child)) {
        childIndex++;
        child = right;
      }
      if (!runsBefore(child, entry)) break;
      heap[index] = child;
      child.heapIndex = index;
      index = childIndex;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }
}

function runsBefore(a: TimerEntry, b: TimerEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}
