// The Dispatcher leader as a client sees it: retrieved (a fixed address, or an
// election under HA), connected fenced by its session once, and watched, so the
// client hears at once when it is gone or replaced. Mirrors what Flink's
// RestClusterClient does with its webMonitorRetrievalService, over RPC.

import type { RpcService } from '../../rpc/rpc-service.js';
import { DispatcherGateway } from '../../runtime/gateways/dispatcher-gateway.js';
import type { LeaderRetrievalService } from '../../runtime/highavailability/leader-retrieval.js';
import { ClusterClientError } from './cluster-client-errors.js';

export interface DispatcherLeaderListener {
  /** A leader other than the one before was retrieved (not the first). */
  leaderChanged(): void;
  /** The leader's thread, process or connection is gone, or there is no leader now. */
  leaderLost(reason: string): void;
}

interface Leader {
  readonly address: string;
  readonly sessionId: string;
  gateway: Promise<DispatcherGateway> | undefined;
  readonly unwatch: () => void;
}

export class DispatcherLeader {
  private leader: Leader | undefined;
  private hadLeader = false;
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private closed = false;

  constructor(
    private readonly rpcService: RpcService,
    private readonly retriever: LeaderRetrievalService,
    private readonly listener: DispatcherLeaderListener,
    /** How long a call waits for a leader to be named (under HA: until a dead one's session expires). */
    private readonly leaderTimeoutMs: number = rpcService.askTimeoutMs,
    /**
     * Under HA a leader that cannot be reached is waited out, since ZooKeeper still names
     * a killed leader until its session expires; a fixed address is dialled again instead.
     */
    private readonly forgetUnreachable = false,
  ) {
    retriever.start({
      notifyLeaderAddress: (address, sessionId) => this.leaderRetrieved(address, sessionId),
      handleError: (error) => this.failWaiters(error),
    });
  }

  /** A gateway to the current leader, waiting up to `leaderTimeoutMs` for one. */
  async gateway(): Promise<DispatcherGateway> {
    if (this.closed) throw new ClusterClientError('The cluster client is closed.');
    if (!this.leader) await this.awaitLeader(this.leaderTimeoutMs);
    const leader = this.leader as Leader;
    leader.gateway ??= this.rpcService.connectFenced(leader.address, leader.sessionId, DispatcherGateway);
    // A failed connect is not kept: the next call connects again, or waits for the next leader.
    leader.gateway.catch(() => {
      if (this.leader !== leader) return;
      if (this.forgetUnreachable) this.forget(leader.address);
      else leader.gateway = undefined;
    });
    return leader.gateway;
  }

  /**
   * The leader at `address` did not answer: wait for the next one. ZooKeeper still
   * names a killed leader until its session expires, and may never say so again.
   */
  forget(address: string): void {
    const leader = this.leader;
    if (leader?.address !== address) return;
    leader.unwatch();
    this.leader = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leader?.unwatch();
    this.leader = undefined;
    this.retriever.stop();
    this.failWaiters(new ClusterClientError('The cluster client is closed.'));
  }

  private leaderRetrieved(address: string | null, sessionId: string | null): void {
    if (this.closed) return;
    const previous = this.leader;
    if (previous?.address === address && previous.sessionId === sessionId) return;
    previous?.unwatch();
    this.leader = undefined;
    if (address === null || sessionId === null) {
      if (previous) this.listener.leaderLost('the Dispatcher lost its leadership');
      return;
    }
    const leader: Leader = {
      address,
      sessionId,
      gateway: undefined,
      unwatch: this.rpcService.watch(address, (reason) => {
        if (this.leader !== leader) return;
        this.leader = undefined;
        this.listener.leaderLost(reason);
      }),
    };
    this.leader = leader;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
    if (this.hadLeader) this.listener.leaderChanged();
    this.hadLeader = true;
  }

  private awaitLeader(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ClusterClientError(`No Dispatcher leader was found within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private failWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }
}
