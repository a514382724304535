// Waits for a condition that other threads or mailboxes bring about, by yielding
// to the event loop until it holds. Not a sleep: the test goes on the moment the
// condition is true, and the deadline only decides how long a failing test takes.

const kDeadlineMs = 5000;

export async function eventually(condition: () => boolean, what = 'condition'): Promise<void> {
  const deadline = performance.now() + kDeadlineMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Lets every message and callback already under way run to the end. */
export async function drain(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
