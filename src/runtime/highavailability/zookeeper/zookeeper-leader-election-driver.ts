// Leader election for one component through ZooKeeper, mirroring Flink's
// ZooKeeperLeaderElectionDriver: a LeaderLatch decides, the leader's information goes
// to <component>/connection_info, and while leader the driver watches that node so the
// service can restore it if someone else changes or deletes it. Writes are refused by
// ZooKeeper unless our latch node still exists (see zookeeper-leader-information.ts).

import { getLogger } from '../../../actor/logger.js';
import type {
  LeaderElectionDriver,
  LeaderElectionDriverFactory,
  LeaderElectionDriverListener,
} from '../leader-election-driver.js';
import type { LeaderInformation } from '../leader-retrieval-driver.js';
import { ConnectionState } from './connection-state.js';
import { LeaderLatch } from './leader-latch.js';
import type { ZooKeeperClient } from './zookeeper-client.js';
import type { WatchedEvent } from './zookeeper-types.js';
import {
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  ZooKeeperClientClosedError,
} from './zookeeper-errors.js';
import {
  decodeLeaderInformation,
  deleteLeaderInformationFromZooKeeper,
  writeLeaderInformationToZooKeeper,
} from './zookeeper-leader-information.js';
import { getConnectionInformationPath, getLeaderLatchPath } from './zookeeper-paths.js';

const log = getLogger('zookeeper-leader-election');

export class ZooKeeperLeaderElectionDriver implements LeaderElectionDriver {
  private readonly latch: LeaderLatch;
  private readonly connectionInfoPath: string;
  private readonly removeConnectionListener: () => void;
  private running = true;
  private readonly onConnectionInfoEvent = (_event: WatchedEvent): void => this.readLeaderInformation();

  constructor(
    private readonly client: ZooKeeperClient,
    /** The component's node, e.g. /flink/default/leader/resource_manager. */
    readonly componentPath: string,
    private readonly listener: LeaderElectionDriverListener,
  ) {
    this.connectionInfoPath = getConnectionInformationPath(componentPath);
    this.latch = new LeaderLatch(client, getLeaderLatchPath(componentPath), {
      isLeader: () => {
        log.debug(`Obtained leadership of ${componentPath}.`);
        this.listener.onGrantLeadership();
        this.readLeaderInformation();
      },
      notLeader: () => {
        log.debug(`Lost leadership of ${componentPath}.`);
        this.listener.onRevokeLeadership();
      },
      onError: (error) => this.listener.onError(error),
    });
    this.removeConnectionListener = client.addConnectionStateListener((state) => {
      // After a reconnect in the same session the stored information may have changed unseen.
      if (state === ConnectionState.RECONNECTED && this.hasLeadership()) this.readLeaderInformation();
    });
    this.latch.start();
  }

  hasLeadership(): boolean {
    return this.running && this.latch.hasLeadership();
  }

  publishLeaderInformation(leaderInformation: LeaderInformation): void {
    const latchNode = this.latch.getOurPath();
    if (!this.hasLeadership() || latchNode === null) return;
    log.debug(
      `Writing leader information ${JSON.stringify(leaderInformation)} to ${this.connectionInfoPath}.`,
    );
    writeLeaderInformationToZooKeeper(
      this.client,
      leaderInformation,
      this.connectionInfoPath,
      latchNode,
      () => this.hasLeadership(),
    ).then(
      (result) => {
        if (result === 'not-leader' && this.running) {
          log.info(
            `The write of ${this.connectionInfoPath} was refused: this participant is no longer leader.`,
          );
          this.latch.checkLeadership();
        }
      },
      (error: unknown) => this.handleError(error),
    );
  }

  async deleteLeaderInformation(): Promise<void> {
    const latchNode = this.latch.getOurPath();
    if (latchNode === null) return;
    await deleteLeaderInformationFromZooKeeper(this.client, this.connectionInfoPath, latchNode).catch(
      (error: unknown) => this.handleError(error),
    );
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.removeConnectionListener();
    await this.latch.close();
  }

  /** Reads connection_info (and watches it) while leader, and reports what it holds. */
  private readLeaderInformation(): void {
    if (!this.hasLeadership()) return;
    this.client.getData(this.connectionInfoPath, this.onConnectionInfoEvent).then(
      ({ data }) => this.reportLeaderInformation(data),
      async (error: unknown) => {
        if (!(error instanceof NoNodeError)) return this.handleError(error);
        // A missing node cannot carry a data watch; watch for its creation instead.
        const stat = await this.client
          .exists(this.connectionInfoPath, this.onConnectionInfoEvent)
          .catch(() => null);
        if (stat) this.readLeaderInformation();
        else this.reportLeaderInformation(null);
      },
    );
  }

  private reportLeaderInformation(data: Buffer | null): void {
    if (!this.hasLeadership()) return;
    let info: LeaderInformation;
    try {
      info = decodeLeaderInformation(data);
    } catch (error) {
      // As Flink: unreadable information is reported as none, and so written again.
      log.debug(`Could not read the leader information at ${this.connectionInfoPath}; rewriting it.`, error);
      info = { leaderAddress: null, leaderSessionId: null };
    }
    this.listener.onLeaderInformationChange(info);
  }

  private handleError(error: unknown): void {
    if (!this.running || error instanceof ZooKeeperClientClosedError) return;
    // Connection problems are retried on the next reconnect (the latch re-decides, the
    // information is read again and written if it differs); anything else is reported.
    if (error instanceof ConnectionLossError || error instanceof SessionExpiredError) {
      log.debug(
        `ZooKeeper operation on ${this.connectionInfoPath} failed; waiting for the connection.`,
        error,
      );
      return;
    }
    this.listener.onError(error instanceof Error ? error : new Error(String(error)));
  }
}

export class ZooKeeperLeaderElectionDriverFactory implements LeaderElectionDriverFactory {
  constructor(
    private readonly client: ZooKeeperClient,
    private readonly componentPath: string,
  ) {}

  createLeaderElectionDriver(listener: LeaderElectionDriverListener): ZooKeeperLeaderElectionDriver {
    return new ZooKeeperLeaderElectionDriver(this.client, this.componentPath, listener);
  }
}
