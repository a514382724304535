// Leader election over a pluggable driver, mirroring Flink's DefaultLeaderElectionService
// (1.15 and later): each grant gets a new session id, only a confirmation of the current
// session is published, and stored information that someone else changed is written
// again. Nothing reaches the contender after stop(), however late the driver reports.

import { randomUUID } from 'node:crypto';
import { getLogger } from '../../actor/logger.js';
import { IllegalLeaderServiceStateError } from './errors.js';
import type { LeaderContender, LeaderElectionService } from './leader-election.js';
import type {
  LeaderElectionDriver,
  LeaderElectionDriverFactory,
  LeaderElectionDriverListener,
} from './leader-election-driver.js';
import type { LeaderInformation } from './leader-retrieval-driver.js';

const log = getLogger('leader-election');

export class DefaultLeaderElectionService implements LeaderElectionService, LeaderElectionDriverListener {
  private contender: LeaderContender | null = null;
  private driver: LeaderElectionDriver | null = null;
  private running = false;
  private closing: Promise<void> | null = null;
  /** The session handed to the contender with its last grant, until revoked. */
  private issuedLeaderSessionId: string | null = null;
  /** What the contender confirmed under the issued session; what the driver stores. */
  private confirmedLeaderInformation: LeaderInformation | null = null;

  constructor(
    private readonly driverFactory: LeaderElectionDriverFactory,
    /** For logs: resource_manager, dispatcher, job-<id>. */
    readonly componentId: string = 'leader',
    private readonly newSessionId: () => string = randomUUID,
  ) {}

  start(contender: LeaderContender): void {
    if (this.contender) {
      throw new IllegalLeaderServiceStateError('DefaultLeaderElectionService can only be started once.');
    }
    this.contender = contender;
    this.running = true;
    this.driver = this.driverFactory.createLeaderElectionDriver(this);
  }

  stop(): void {
    void this.closeAsync();
  }

  /**
   * Leaves the election: a leader is revoked and its stored information deleted, so that
   * nobody connects to a stopped leader; resolves once the driver has closed.
   */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.running) return;
      this.running = false;
      const driver = this.driver;
      const wasLeader = this.issuedLeaderSessionId !== null;
      this.issuedLeaderSessionId = null;
      this.confirmedLeaderInformation = null;
      if (wasLeader) this.callContender((contender) => contender.revokeLeadership());
      if (!driver) return;
      try {
        if (wasLeader) await driver.deleteLeaderInformation();
      } finally {
        await driver.close();
      }
    })();
    return this.closing;
  }

  confirmLeadership(leaderSessionId: string, leaderAddress: string): void {
    if (!this.hasLeadership(leaderSessionId)) {
      log.debug(
        `Ignoring the confirmation of session ${leaderSessionId} for ${this.componentId}: ` +
          (this.running ? 'it is not the current leader session.' : 'the election service is stopped.'),
      );
      return;
    }
    this.confirmedLeaderInformation = { leaderSessionId, leaderAddress };
    this.driver?.publishLeaderInformation(this.confirmedLeaderInformation);
  }

  hasLeadership(leaderSessionId: string): boolean {
    return (
      this.running &&
      this.driver !== null &&
      this.driver.hasLeadership() &&
      leaderSessionId === this.issuedLeaderSessionId
    );
  }

  // ---------------------------------------------------------------- driver events

  onGrantLeadership(): void {
    if (!this.running) return;
    const sessionId = this.newSessionId();
    this.issuedLeaderSessionId = sessionId;
    this.confirmedLeaderInformation = null;
    log.debug(`${this.componentId} was granted leadership with session ${sessionId}.`);
    this.callContender((contender) => contender.grantLeadership(sessionId));
  }

  onRevokeLeadership(): void {
    if (!this.running || this.issuedLeaderSessionId === null) return;
    log.debug(`${this.componentId} lost leadership of session ${this.issuedLeaderSessionId}.`);
    this.issuedLeaderSessionId = null;
    this.confirmedLeaderInformation = null;
    this.callContender((contender) => contender.revokeLeadership());
  }

  onLeaderInformationChange(leaderInformation: LeaderInformation): void {
    const confirmed = this.confirmedLeaderInformation;
    if (!this.running || !confirmed || !this.driver?.hasLeadership()) return;
    if (
      leaderInformation.leaderAddress !== confirmed.leaderAddress ||
      leaderInformation.leaderSessionId !== confirmed.leaderSessionId
    ) {
      log.debug(`The stored leader information of ${this.componentId} changed; writing it again.`);
      this.driver.publishLeaderInformation(confirmed);
    }
  }

  onError(error: Error): void {
    if (!this.running) return;
    this.contender?.handleError(error);
  }

  private callContender(call: (contender: LeaderContender) => void): void {
    const contender = this.contender;
    if (!contender) return;
    try {
      call(contender);
    } catch (error) {
      contender.handleError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
