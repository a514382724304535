// Makes its single contender leader at once under DEFAULT_LEADER_ID, mirroring
// Flink's StandaloneLeaderElectionService: without HA there is nobody to compete
// with, so there is nothing to confirm.

import { IllegalLeaderServiceStateError } from './errors.js';
import type { LeaderContender, LeaderElectionService } from './leader-election.js';
import { DEFAULT_LEADER_ID } from './leader-ids.js';

export class StandaloneLeaderElectionService implements LeaderElectionService {
  private contender: LeaderContender | null = null;

  start(contender: LeaderContender): void {
    if (this.contender) {
      throw new IllegalLeaderServiceStateError('StandaloneLeaderElectionService has already been started.');
    }
    this.contender = contender;
    contender.grantLeadership(DEFAULT_LEADER_ID);
  }

  stop(): void {
    const contender = this.contender;
    this.contender = null;
    contender?.revokeLeadership();
  }

  confirmLeadership(_leaderSessionId: string, _leaderAddress: string): void {
    // Nothing to publish: retrievers were given the address up front.
  }

  hasLeadership(leaderSessionId: string): boolean {
    return this.contender !== null && leaderSessionId === DEFAULT_LEADER_ID;
  }
}
