// Runs a ResourceManager for each leader session this process wins. Mirrors
// Flink's ResourceManagerServiceImpl, a LeaderContender: a grant creates a NEW
// ResourceManager fenced by that session (tokens are final, FLINK-27737), and
// a revoke stops it. Leadership events are handled one after the other on a
// promise chain, as Flink's single-threaded handleLeaderEventExecutor does, so
// a grant that arrives while the previous ResourceManager is still stopping
// waits for it to terminate first.

import { getLogger } from '../../actor/logger.js';
import type { LeaderContender, LeaderElectionService } from '../highavailability/leader-election.js';
import { ResourceManagerId } from '../types/ids.js';
import type { ResourceManager } from './resource-manager.js';

const log = getLogger('resourcemanager-service');

export interface ResourceManagerServiceOptions {
  /** Called when the leader election reports an error. Default: log it. */
  readonly onFatalError?: (error: Error) => void;
}

interface Leader {
  readonly resourceManager: ResourceManager;
  readonly sessionId: string;
}

export class ResourceManagerServiceImpl implements LeaderContender {
  private readonly onFatalError: (error: Error) => void;
  private running = false;
  private leader: Leader | undefined;
  private leaderEvents: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly terminationFuture: Promise<void>;
  private settleTermination!: (error: Error | undefined) => void;

  constructor(
    private readonly leaderElectionService: LeaderElectionService,
    private readonly createResourceManager: (resourceManagerId: ResourceManagerId) => ResourceManager,
    options: ResourceManagerServiceOptions = {},
  ) {
    this.onFatalError =
      options.onFatalError ?? ((error) => log.error('Fatal error in the ResourceManager service.', error));
    this.terminationFuture = new Promise<void>((resolve, reject) => {
      this.settleTermination = (error) => (error ? reject(error) : resolve());
    });
    this.terminationFuture.catch(() => {});
  }

  /**
   * Settles when the service is closed, or when the leading ResourceManager
   * terminated on its own (not through a revoke); it rejects if that one failed.
   */
  getTerminationFuture(): Promise<void> {
    return this.terminationFuture;
  }

  /** Enters the leader election. */
  start(): void {
    if (this.running || this.closing)
      throw new Error('The ResourceManager service has already been started.');
    this.running = true;
    log.info('Starting the resource manager service.');
    this.leaderElectionService.start(this);
  }

  /** The ResourceManager of the current session, once it has been created. */
  getLeaderResourceManager(): ResourceManager | undefined {
    return this.leader?.resourceManager;
  }

  grantLeadership(leaderSessionId: string): void {
    void this.handleLeaderEvent(async () => {
      if (!this.running) return;
      await this.stopLeaderResourceManager();
      if (!this.running) return;
      await this.startNewLeaderResourceManager(leaderSessionId);
    });
  }

  revokeLeadership(): void {
    void this.handleLeaderEvent(async () => {
      if (!this.running) return;
      await this.stopLeaderResourceManager();
    });
  }

  handleError(error: Error): void {
    this.onFatalError(error);
  }

  /** Leaves the election and stops the ResourceManager; resolves once it has terminated. */
  closeAsync(): Promise<void> {
    this.closing ??= (() => {
      this.running = false;
      try {
        this.leaderElectionService.stop();
      } catch (error) {
        log.warn('Could not leave the leader election.', error);
      }
      return this.handleLeaderEvent(() => this.stopLeaderResourceManager()).then(() =>
        this.settleTermination(undefined),
      );
    })();
    return this.closing;
  }

  private async startNewLeaderResourceManager(sessionId: string): Promise<void> {
    const resourceManager = this.createResourceManager(ResourceManagerId.of(sessionId));
    const leader: Leader = { resourceManager, sessionId };
    this.leader = leader;
    this.forwardTerminationFuture(leader);
    resourceManager.start();
    try {
      await resourceManager.getStartedFuture();
    } catch (error) {
      log.warn(`The ResourceManager of session ${sessionId} did not start.`, error);
      return;
    }
    // Only confirm while still the leader of that session, with that ResourceManager.
    if (this.leader === leader && this.leaderElectionService.hasLeadership(sessionId)) {
      this.leaderElectionService.confirmLeadership(sessionId, resourceManager.getAddress());
    } else {
      log.debug(`Leadership of session ${sessionId} was lost before the ResourceManager was confirmed.`);
    }
  }

  private async stopLeaderResourceManager(): Promise<void> {
    const leader = this.leader;
    if (!leader) return;
    this.leader = undefined;
    log.info(`Stopping the ResourceManager of session ${leader.sessionId}.`);
    try {
      await leader.resourceManager.closeAsync();
    } catch (error) {
      log.warn(`The ResourceManager of session ${leader.sessionId} did not stop cleanly.`, error);
    }
  }

  /** A leading ResourceManager that terminates on its own ends the service, as in Flink. */
  private forwardTerminationFuture(leader: Leader): void {
    const stillLeading = () => this.running && this.leader === leader;
    leader.resourceManager.getTerminationFuture().then(
      () => {
        if (stillLeading()) this.settleTermination(undefined);
      },
      (error: unknown) => {
        if (stillLeading()) this.settleTermination(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  private handleLeaderEvent(event: () => Promise<void>): Promise<void> {
    const next = this.leaderEvents.then(event).catch((error: unknown) => {
      this.onFatalError(error instanceof Error ? error : new Error(String(error)));
    });
    this.leaderEvents = next;
    return next;
  }
}
