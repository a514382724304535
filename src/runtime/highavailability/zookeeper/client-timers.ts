// The timers a ZooKeeperClient owns (connect warnings, the simulated session
// expiry, liveness probes, handshake watchdogs, retry waits), in one set, so
// that close() can stop every one of them and nothing outlives the client.

export type ClientTimer = ReturnType<typeof setTimeout>;

export class ClientTimers {
  private readonly timers = new Set<ClientTimer>();

  schedule(task: () => void, ms: number): ClientTimer {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: ClientTimer | null): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
