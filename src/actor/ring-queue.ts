// A growable FIFO ring buffer. Array.shift() is O(n); a mailbox under load shifts
// constantly (see piscina's FixedQueue). Holds pairs so a mailbox stores an
// envelope and the link it came from without allocating a wrapper per message.

export class RingQueue<A, B> {
  private firsts: (A | undefined)[];
  private seconds: (B | undefined)[];
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    this.firsts = new Array(initialCapacity);
    this.seconds = new Array(initialCapacity);
  }

  get length(): number {
    return this.count;
  }

  push(a: A, b: B): void {
    if (this.count === this.firsts.length) this.grow();
    const index = (this.head + this.count) % this.firsts.length;
    this.firsts[index] = a;
    this.seconds[index] = b;
    this.count++;
  }

  /** First item of the oldest pair. */
  headFirst(): A | undefined {
    return this.firsts[this.head];
  }

  /** Second item of the oldest pair. */
  headSecond(): B | undefined {
    return this.seconds[this.head];
  }

  /** Removes the oldest pair. */
  dropHead(): void {
    if (this.count === 0) return;
    this.firsts[this.head] = undefined;
    this.seconds[this.head] = undefined;
    this.head = (this.head + 1) % this.firsts.length;
    this.count--;
  }

  private grow(): void {
    const capacity = this.firsts.length * 2;
    const firsts = new Array<A | undefined>(capacity);
    const seconds = new Array<B | undefined>(capacity);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.firsts.length;
      firsts[i] = this.firsts[from];
      seconds[i] = this.seconds[from];
    }
    this.firsts = firsts;
    this.seconds = seconds;
    this.head = 0;
  }
}
