// Waits for a condition that needs I/O to check (a ZooKeeper read, a file), or one that
// takes longer than eventually()'s 5 s (a ZooKeeper session running out). It polls with
// a short pause and goes on the moment the condition holds; the deadline only decides
// how long a failing test takes.

export async function eventuallyAsync(
  condition: () => boolean | Promise<boolean>,
  what = 'condition',
  deadlineMs = 15_000,
): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!(await condition())) {
    if (performance.now() > deadline)
      throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}.`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}
