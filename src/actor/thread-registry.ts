// The actor systems of one thread. Several RpcServices may live in a thread;
// each is its own actor system, with a host that is unique in the process:
// `thread-N` for the first, `thread-N.k` for the others (k never reused while
// the thread has a system), or `ip:port` for one that listens on TCP. Systems of
// a thread find each other here, and the brokers of a thread share one record
// of the channels they made, so that no pair of systems gets two.

import { threadId } from 'node:worker_threads';
import { threadHost } from './address.js';

/** What the registry knows of a system. */
export interface RegisteredSystem {
  readonly localHost: string;
}

export class ThreadRegistry<S extends RegisteredSystem = RegisteredSystem> {
  private readonly systems = new Map<string, S>();
  private readonly reserved = new Set<string>();
  private suffix = 0;
  /** Pairs of hosts (`a|b`, sorted) a broker of this thread made a channel for. */
  readonly brokeredPairs = new Set<string>();

  /** A host for a system that does not listen on TCP. Release it with release(). */
  allocateHost(): string {
    const base = threadHost(threadId);
    let host = base;
    if (this.reserved.size > 0 || this.systems.size > 0) host = `${base}.${++this.suffix}`;
    this.reserved.add(host);
    return host;
  }

  register(system: S): void {
    if (this.systems.has(system.localHost)) {
      throw new Error(`An actor system with host ${system.localHost} is already running in this thread.`);
    }
    this.systems.set(system.localHost, system);
  }

  unregister(system: S): void {
    if (this.systems.get(system.localHost) === system) this.systems.delete(system.localHost);
    this.reserved.delete(system.localHost);
    if (this.systems.size === 0 && this.reserved.size === 0) this.suffix = 0;
    for (const pair of [...this.brokeredPairs]) {
      if (pair.split('|').includes(system.localHost)) this.brokeredPairs.delete(pair);
    }
  }

  get(host: string): S | undefined {
    return this.systems.get(host);
  }

  all(): IterableIterator<S> {
    return this.systems.values();
  }

  static pairKey(a: string, b: string): string {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  forgetPairsOf(host: string): void {
    for (const pair of [...this.brokeredPairs])
      if (pair.split('|').includes(host)) this.brokeredPairs.delete(pair);
  }
}
