// Task modules of bench:jobs: the smallest possible task, so that a job's time is
// the scheduler's overhead alone. `add` is called the threadlink way, with
// spread arguments; the default export the piscina way, with one payload.

export function add(a: number, b: number): number {
  return a + b;
}

export default function addPayload({ a, b }: { a: number; b: number }): number {
  return a + b;
}
