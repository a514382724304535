import { expect } from 'chai';
import { TimerQueue, type TimerEntry } from '../../src/actor/timer-queue.js';

function entry(deadline: number, fired: number[]): TimerEntry {
  return { deadline, heapIndex: -1, seq: 0, onTimer: () => fired.push(deadline) };
}

describe('the timer queue', () => {
  it('fires entries in deadline order, whatever the insertion order', async () => {
    const queue = new TimerQueue();
    const fired: number[] = [];
    const now = performance.now();
    for (const offset of [30, 5, 20, 10, 25, 15]) queue.add(entry(now + offset, fired));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fired.map((d) => Math.round(d - now))).to.deep.equal([5, 10, 15, 20, 25, 30]);
    expect(queue.size).to.equal(0);
  });

  it('fires entries with equal deadlines in the order they were added', async () => {
    const queue = new TimerQueue();
    const order: number[] = [];
    const deadline = performance.now() + 5;
    for (let i = 0; i < 200; i++) {
      queue.add({ deadline, heapIndex: -1, seq: 0, onTimer: () => order.push(i) });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
  });

  it('removes entries at once, so a settled ask leaves nothing behind, and keeps no process alive when empty', () => {
    const queue = new TimerQueue();
    const fired: number[] = [];
    const entries = Array.from({ length: 1000 }, (_, i) =>
      entry(performance.now() + 10_000 + (i % 37), fired),
    );
    for (const e of entries) queue.add(e);
    for (const e of entries.filter((_, i) => i % 2 === 0)) queue.remove(e);
    expect(queue.size).to.equal(500);
    for (const e of entries) queue.remove(e);
    expect(queue.size).to.equal(0);
    expect(process.getActiveResourcesInfo()).to.not.include('Timeout');
    expect(fired).to.deep.equal([]);
  });

  it('arms no new timer for sequential entries with later deadlines: one setTimeout, no clearTimeout', async () => {
    const queue = new TimerQueue();
    const calls = { set: 0, clear: 0 };
    const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
    globalThis.setTimeout = ((...args: Parameters<typeof realSet>) => {
      calls.set++;
      return realSet(...args);
    }) as typeof realSet;
    globalThis.clearTimeout = ((timer: Parameters<typeof realClear>[0]) => {
      calls.clear++;
      realClear(timer);
    }) as typeof realClear;
    const fired: number[] = [];
    try {
      // As sequential asks with the same timeout: each settles before the next is sent.
      for (let i = 0; i < 100; i++) {
        const e = entry(performance.now() + 10_000, fired);
        queue.add(e);
        queue.remove(e);
      }
    } finally {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    }
    expect(calls).to.deep.equal({ set: 1, clear: 0 });
    expect(process.getActiveResourcesInfo()).to.not.include('Timeout');
    // An earlier deadline re-arms, and an entry added later still fires on time.
    const soon = performance.now() + 5;
    queue.add(entry(soon, fired));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).to.deep.equal([soon]);
    queue.clear();
  });

  it('keeps the heap ordered under random inserts and removals', () => {
    const queue = new TimerQueue();
    const fired: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const live = new Set<TimerEntry>();
    for (let i = 0; i < 2000; i++) {
      if (live.size > 0 && random() < 0.4) {
        const victim = [...live][Math.floor(random() * live.size)]!;
        queue.remove(victim);
        live.delete(victim);
      } else {
        const e = entry(1e9 + random() * 1000, fired);
        queue.add(e);
        live.add(e);
      }
    }
    const heap = (queue as unknown as { heap: TimerEntry[] }).heap;
    heap.forEach((e, i) => {
      expect(e.heapIndex).to.equal(i);
      if (i > 0) expect(heap[(i - 1) >> 1]!.deadline).to.be.at.most(e.deadline);
    });
    queue.clear();
  });
});
