// Promises that resolve once a count reaches a target, or with false when the
// owner gives up. The ResourceManager uses it for awaitRegisteredTaskExecutors,
// so the MiniCluster waits on events instead of polling.

export class CountWaiters {
  private waiters: { readonly target: number; readonly resolve: (reached: boolean) => void }[] = [];
  private closed = false;

  /** Resolves true once the count is at least `target`, false if closed first. */
  wait(target: number, current: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (current >= target) return Promise.resolve(true);
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  /** The count is now `current`: resolves the waiters it satisfies. */
  update(current: number): void {
    const reached = this.waiters.filter((waiter) => current >= waiter.target);
    this.waiters = this.waiters.filter((waiter) => current < waiter.target);
    for (const waiter of reached) waiter.resolve(true);
  }

  /** Resolves every waiter, now and later, with false. */
  close(): void {
    this.closed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve(false);
  }
}
