// A task of bench:jobs's crash-recovery run: keeps its core busy for `ms`
// milliseconds, as a CPU-bound task would, and returns how long it ran.

export function spin(ms: number): number {
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) elapsed = performance.now() - started;
  return elapsed;
}
