// Who wants to hear that a peer is gone: callbacks per host, each called once
// when the link to that host goes down (its thread exited, its process died or
// its connection was lost). Mirrors Pekko's DeathWatch, which turns a lost
// remote system into Terminated messages; here the rpc layer and the runtime
// use it to drop a dead TaskExecutor or ResourceManager in milliseconds instead
// of waiting for a heartbeat timeout (heartbeats stay the final judge).

export type DownListener = (reason: string) => void;

export class DeathWatch {
  private readonly watchers = new Map<string, Set<DownListener>>();

  /** Registers `onDown` for `host`; returns a function that removes it. */
  watch(host: string, onDown: DownListener): () => void {
    let listeners = this.watchers.get(host);
    if (!listeners) {
      listeners = new Set();
      this.watchers.set(host, listeners);
    }
    const wrapped: DownListener = (reason) => onDown(reason);
    listeners.add(wrapped);
    return () => {
      const current = this.watchers.get(host);
      if (!current?.delete(wrapped)) return;
      if (current.size === 0) this.watchers.delete(host);
    };
  }

  /** The link to `host` went down: every listener of it is called once, and forgotten. */
  notifyDown(host: string, reason: string): void {
    const listeners = this.watchers.get(host);
    if (!listeners) return;
    this.watchers.delete(host);
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch (error) {
        // One failing listener must not keep the others from hearing; surface it as uncaught.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Forgets every listener without calling it (the local system is terminating). */
  clear(): void {
    this.watchers.clear();
  }
}
