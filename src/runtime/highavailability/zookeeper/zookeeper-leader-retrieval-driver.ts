// Leader retrieval through ZooKeeper, mirroring Flink's ZooKeeperLeaderRetrievalDriver:
// it watches <component>/connection_info and reports what it holds to the
// DefaultLeaderRetrievalService. Flink's LeaderInformationClearancePolicy decides when
// "no leader" is reported on connection trouble: ON_SUSPENDED_CONNECTION (the default,
// tolerate-suspended-connections=false) or only ON_LOST_CONNECTION. Every reconnect reads again.

import { getLogger } from '../../../actor/logger.js';
import { LeaderRetrievalError } from '../errors.js';
import {
  kEmptyLeaderInformation,
  type LeaderRetrievalDriver,
  type LeaderRetrievalDriverFactory,
  type LeaderRetrievalEventHandler,
} from '../leader-retrieval-driver.js';
import { ConnectionState } from './connection-state.js';
import type { ZooKeeperClient } from './zookeeper-client.js';
import type { WatchedEvent } from './zookeeper-types.js';
import { NoNodeError, ZooKeeperError } from './zookeeper-errors.js';
import { decodeLeaderInformation } from './zookeeper-leader-information.js';

const log = getLogger('zookeeper-leader-retrieval');

export type LeaderInformationClearancePolicy = 'ON_SUSPENDED_CONNECTION' | 'ON_LOST_CONNECTION';

export class ZooKeeperLeaderRetrievalDriver implements LeaderRetrievalDriver {
  private running = true;
  /** Only the newest read may report, so a slow old answer cannot overwrite a new one. */
  private readSequence = 0;
  private readonly removeConnectionListener: () => void;
  private readonly onWatchedEvent = (_event: WatchedEvent): void => this.retrieveLeaderInformation();

  constructor(
    private readonly client: ZooKeeperClient,
    /** The connection_info node, e.g. /flink/default/leader/resource_manager/connection_info. */
    readonly retrievalPath: string,
    private readonly eventHandler: LeaderRetrievalEventHandler,
    private readonly fatalErrorHandler: (error: Error) => void,
    readonly clearancePolicy: LeaderInformationClearancePolicy,
  ) {
    this.removeConnectionListener = client.addConnectionStateListener((state) =>
      this.handleStateChange(state),
    );
    if (client.isConnected()) this.retrieveLeaderInformation();
  }

  close(): void {
    if (!this.running) return;
    this.running = false;
    this.removeConnectionListener();
    this.forgetWatches();
  }

  /**
   * A closed driver's watch would otherwise stay in the client until the node
   * changes: a client that retrieves a leader per call (ClusterClient's
   * listTaskManagers) piled up one per call in a steady cluster.
   */
  private forgetWatches(): void {
    this.client.removeWatcher(this.retrievalPath, this.onWatchedEvent);
  }

  private handleStateChange(state: ConnectionState): void {
    if (!this.running) return;
    switch (state) {
      case ConnectionState.CONNECTED:
      case ConnectionState.RECONNECTED:
        this.retrieveLeaderInformation();
        break;
      case ConnectionState.SUSPENDED:
        if (this.clearancePolicy === 'ON_SUSPENDED_CONNECTION') this.notifyNoLeader();
        break;
      case ConnectionState.LOST:
        log.warn(
          `Connection to ZooKeeper lost. Can no longer retrieve the leader from ${this.retrievalPath}.`,
        );
        this.notifyNoLeader();
        break;
    }
  }

  private notifyNoLeader(): void {
    this.readSequence++; // a read under way describes the time before
    this.eventHandler.notifyLeaderAddress(kEmptyLeaderInformation);
  }

  private retrieveLeaderInformation(): void {
    if (!this.running) return;
    const sequence = ++this.readSequence;
    const current = (): boolean => this.running && sequence === this.readSequence;
    this.client.getData(this.retrievalPath, this.onWatchedEvent).then(
      ({ data }) => {
        if (current()) this.report(data);
        // The watch of a read that was under way at close was set after close removed the others.
        else if (!this.running) this.forgetWatches();
      },
      async (error: unknown) => {
        if (!current()) return;
        if (!(error instanceof NoNodeError)) return this.handleReadError(error);
        // No leader yet: watch for the node to appear.
        try {
          const stat = await this.client.exists(this.retrievalPath, this.onWatchedEvent);
          if (!current()) {
            if (!this.running) this.forgetWatches();
            return;
          }
          if (stat) this.retrieveLeaderInformation();
          else this.eventHandler.notifyLeaderAddress(kEmptyLeaderInformation);
        } catch (existsError) {
          if (current()) this.handleReadError(existsError);
        }
      },
    );
  }

  private report(data: Buffer | null): void {
    try {
      this.eventHandler.notifyLeaderAddress(decodeLeaderInformation(data));
    } catch (error) {
      this.running = false;
      this.removeConnectionListener();
      this.fatalErrorHandler(
        new LeaderRetrievalError(`Could not read the leader information at ${this.retrievalPath}.`, {
          cause: error,
        }),
      );
    }
  }

  private handleReadError(error: unknown): void {
    // Connection trouble is not fatal: the next CONNECTED or RECONNECTED reads again.
    if (error instanceof ZooKeeperError) {
      log.debug(`Could not read ${this.retrievalPath}; waiting for the connection.`, error);
      return;
    }
    this.fatalErrorHandler(error instanceof Error ? error : new Error(String(error)));
  }
}

export class ZooKeeperLeaderRetrievalDriverFactory implements LeaderRetrievalDriverFactory {
  constructor(
    private readonly client: ZooKeeperClient,
    private readonly retrievalPath: string,
    private readonly clearancePolicy: LeaderInformationClearancePolicy,
  ) {}

  createLeaderRetrievalDriver(
    eventHandler: LeaderRetrievalEventHandler,
    fatalErrorHandler: (error: Error) => void,
  ): ZooKeeperLeaderRetrievalDriver {
    return new ZooKeeperLeaderRetrievalDriver(
      this.client,
      this.retrievalPath,
      eventHandler,
      fatalErrorHandler,
      this.clearancePolicy,
    );
  }
}
