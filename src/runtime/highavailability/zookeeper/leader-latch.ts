// A leader latch, Curator's LeaderLatch recipe that Flink's ZooKeeperLeaderElectionDriver
// uses: each participant creates an ephemeral sequential node under the latch path, the
// lowest number leads, and every other participant watches only its predecessor, so a
// departure wakes one participant rather than all (no herd effect).
// As in Curator, node names carry a per-latch guid: a create whose answer was lost to a
// broken connection leaves a node we can recognise as ours and delete. Leadership ends on
// LOST, and on SUSPENDED under the Standard error policy; on a reconnect the latch checks
// its node again, or joins anew with a fresh node after a lost session.

import { randomUUID } from 'node:crypto';
import { getLogger } from '../../../actor/logger.js';
import { ConnectionState } from './connection-state.js';
import type { ZooKeeperClient } from './zookeeper-client.js';
import type { WatchedEvent } from './zookeeper-types.js';
import {
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  ZooKeeperClientClosedError,
  ZooKeeperError,
} from './zookeeper-errors.js';
import { generateZookeeperPath } from './zookeeper-paths.js';

const log = getLogger('leader-latch');

export interface LeaderLatchListener {
  isLeader(): void;
  notLeader(): void;
  /** An error the latch cannot recover from by itself (not a connection problem). */
  onError(error: Error): void;
}

type LatchState = 'LATENT' | 'STARTED' | 'CLOSED';

/** The sequence number ZooKeeper appended to a node name. */
function sequenceOf(name: string): number {
  return Number(name.slice(-10));
}

export class LeaderLatch {
  private readonly guid = randomUUID();
  private state: LatchState = 'LATENT';
  private leader = false;
  /** Full path of our node, once created in the current session. */
  private ourPath: string | null = null;
  /** Our node of a session that was lost; deleted when we join again. */
  private stalePath: string | null = null;
  /** Bumped whenever our node is replaced or the latch closes: older async steps then stand down. */
  private epoch = 0;
  private removeConnectionListener: (() => void) | null = null;
  private readonly onWatchedEvent = (event: WatchedEvent): void => this.handleWatchedEvent(event);

  constructor(
    private readonly client: ZooKeeperClient,
    readonly latchPath: string,
    private readonly listener: LeaderLatchListener,
  ) {}

  start(): void {
    if (this.state !== 'LATENT') throw new Error('LeaderLatch can only be started once.');
    this.state = 'STARTED';
    this.removeConnectionListener = this.client.addConnectionStateListener((state) =>
      this.handleStateChange(state),
    );
    // Without a connection the first create would only wait; CONNECTED starts it instead.
    if (this.client.isConnected()) void this.reset();
  }

  hasLeadership(): boolean {
    return this.state === 'STARTED' && this.leader;
  }

  /** Our node's path while we take part; the leader information write is conditioned on it. */
  getOurPath(): string | null {
    return this.ourPath;
  }

  /** Leaves the election without calling notLeader (Curator's CloseMode.SILENT) and deletes our node. */
  async close(): Promise<void> {
    if (this.state === 'CLOSED') return;
    this.state = 'CLOSED';
    this.epoch++;
    this.leader = false;
    this.removeConnectionListener?.();
    const ours = [this.ourPath, this.stalePath].filter((path): path is string => path !== null);
    this.ourPath = null;
    this.stalePath = null;
    await Promise.all(ours.map((path) => this.deleteQuietly(path)));
  }

  /** Reads the children again and decides; used when something suggests our node is gone. */
  checkLeadership(): void {
    void this.checkLeadershipAsync();
  }

  // ------------------------------------------------------------------ election

  /** Replaces our node with a new one at the end of the queue. */
  private async reset(): Promise<void> {
    if (this.state !== 'STARTED') return;
    const epoch = ++this.epoch;
    this.setLeadership(false);
    const previous = [this.ourPath, this.stalePath].filter((path): path is string => path !== null);
    this.ourPath = null;
    this.stalePath = null;
    await Promise.all(previous.map((path) => this.deleteQuietly(path)));
    try {
      const created = await this.client.create(
        generateZookeeperPath(this.latchPath, `latch-${this.guid}-`),
        Buffer.from(this.guid),
        { mode: 'EPHEMERAL_SEQUENTIAL', createParents: true },
      );
      if (epoch !== this.epoch || this.state !== 'STARTED') {
        await this.deleteQuietly(created);
        return;
      }
      this.ourPath = created;
    } catch (error) {
      // A connection problem is retried by the next CONNECTED or RECONNECTED.
      this.handleError(error, 'could not create its latch node');
      return;
    }
    await this.checkLeadershipAsync();
  }

  private async checkLeadershipAsync(): Promise<void> {
    const epoch = this.epoch;
    const ourPath = this.ourPath;
    if (this.state !== 'STARTED' || ourPath === null) return;
    let children: string[];
    try {
      children = await this.client.getChildren(this.latchPath);
    } catch (error) {
      this.handleError(error, 'could not read the latch');
      return;
    }
    if (epoch !== this.epoch || this.ourPath !== ourPath) return;

    const ourName = ourPath.slice(this.latchPath.length + 1);
    const sorted = children
      .filter((name) => name.startsWith('latch-'))
      .sort((a, b) => sequenceOf(a) - sequenceOf(b));
    // Nodes of ours from a create whose answer was lost would block everyone behind them.
    for (const name of sorted) {
      if (name !== ourName && name.includes(this.guid)) void this.deleteQuietly(`${this.latchPath}/${name}`);
    }
    const contenders = sorted.filter((name) => name === ourName || !name.includes(this.guid));
    const index = contenders.indexOf(ourName);
    if (index < 0) {
      log.debug(`Our latch node ${ourPath} is gone; joining again.`);
      await this.reset();
      return;
    }
    // The leader watches its own node (deleted from outside means leadership is gone);
    // everyone else watches the node just before theirs.
    const watched = index === 0 ? ourPath : `${this.latchPath}/${contenders[index - 1]}`;
    let stat;
    try {
      stat = await this.client.exists(watched, this.onWatchedEvent);
    } catch (error) {
      this.handleError(error, 'could not watch the latch');
      return;
    }
    if (epoch !== this.epoch || this.ourPath !== ourPath) return;
    if (stat === null) {
      // Gone between the two reads: decide again.
      await this.checkLeadershipAsync();
      return;
    }
    this.setLeadership(index === 0);
  }

  private handleWatchedEvent(event: WatchedEvent): void {
    if (this.state !== 'STARTED' || event.type !== 'NodeDeleted') return;
    if (event.path === this.ourPath) {
      log.debug(`Our latch node ${event.path} was deleted; joining again.`);
      void this.reset();
    } else {
      void this.checkLeadershipAsync();
    }
  }

  private handleStateChange(state: ConnectionState): void {
    if (this.state !== 'STARTED') return;
    switch (state) {
      case ConnectionState.SUSPENDED:
        if (this.client.isErrorState(state)) this.setLeadership(false);
        break;
      case ConnectionState.LOST:
        // The session took our node with it (or soon will): it no longer holds a place.
        this.setLeadership(false);
        if (this.ourPath !== null) this.stalePath = this.ourPath;
        this.ourPath = null;
        this.epoch++;
        break;
      case ConnectionState.CONNECTED:
      case ConnectionState.RECONNECTED:
        if (this.ourPath === null) void this.reset();
        else void this.checkLeadershipAsync();
        break;
    }
  }

  private setLeadership(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    try {
      if (leader) this.listener.isLeader();
      else this.listener.notLeader();
    } catch (error) {
      this.listener.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private handleError(error: unknown, what: string): void {
    if (this.state !== 'STARTED' || error instanceof ZooKeeperClientClosedError) return;
    if (!(error instanceof ZooKeeperError)) {
      this.listener.onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (error instanceof ConnectionLossError || error instanceof SessionExpiredError) {
      log.debug(`The leader latch at ${this.latchPath} ${what}; waiting for the connection.`, error);
      return;
    }
    if (error instanceof NoNodeError) {
      // The latch path went away under us (someone cleaned up): join again.
      void this.reset();
      return;
    }
    this.listener.onError(error);
  }

  private async deleteQuietly(path: string): Promise<void> {
    try {
      await this.client.delete(path);
    } catch {
      // Gone already, or the connection is down and the session will take it.
    }
  }
}
