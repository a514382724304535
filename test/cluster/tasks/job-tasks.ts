// Task code for the end-to-end job tests. Each export runs in a slot's worker
// thread inside a TaskExecutor's worker.

import { existsSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

export function double(x: number): number {
  return x * 2;
}

export async function doubleLater(x: number): Promise<number> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  return x * 2;
}

/** Doubles `x` after `ms` of wall-clock time, without spinning. */
export async function doubleAfter(x: number, ms: number): Promise<number> {
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
  return x * 2;
}

/** The worker thread that ran the task. */
export function whereAmI(): number {
  return threadId;
}

/**
 * The worker thread that ran the task, once `peers` tasks sharing `counter`
 * run at the same time: a job of such tasks occupies that many slots at once.
 */
export function whereAmIWithPeers(counter: SharedArrayBuffer, peers: number): number {
  const view = new Int32Array(counter);
  Atomics.add(view, 0, 1);
  Atomics.notify(view, 0);
  const deadline = Date.now() + 10_000;
  for (let seen = Atomics.load(view, 0); seen < peers; seen = Atomics.load(view, 0)) {
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${peers} peers ran at the same time`);
    Atomics.wait(view, 0, seen, 50);
  }
  return threadId;
}

/** Throws the first time (no marker file yet), succeeds afterwards. */
export function failOnce(markerPath: string, value: number): number {
  if (!existsSync(markerPath)) {
    writeFileSync(markerPath, 'failed once');
    throw new Error(`first attempt of ${value} fails on purpose`);
  }
  return value;
}

export class PrimeCheckError extends Error {
  readonly code = 'ERR_PRIME_CHECK';
  constructor(message: string) {
    super(message);
    this.name = 'PrimeCheckError';
  }
}

export function alwaysFail(n: number): never {
  throw new PrimeCheckError(`${n} is not what I expected`);
}

/** Keeps its thread busy for `ms` without yielding, then returns `value`. */
export function spin(ms: number, value: unknown): unknown {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: no event loop turn until done
  }
  return value;
}

/** Never returns: only cancellation ends it. */
export function forever(): never {
  for (;;) {
    // a CPU-bound task that ignores everything
  }
}
