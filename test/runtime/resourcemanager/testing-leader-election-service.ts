// A leader election driven by the test, after Flink's TestingLeaderElectionService:
// isLeader(session) grants, notLeader() revokes, and confirmations are recorded
// so that a test can wait for the next one.

import type {
  LeaderContender,
  LeaderElectionService,
} from '../../../src/runtime/highavailability/leader-election.js';
import { Recorder } from './testing-resource-manager-builder.js';

export interface Confirmation {
  readonly sessionId: string;
  readonly address: string;
}

export class TestingLeaderElectionService implements LeaderElectionService {
  readonly confirmations = new Recorder<Confirmation>();
  stopped = false;
  private contender: LeaderContender | undefined;
  private leaderSessionId: string | null = null;

  start(contender: LeaderContender): void {
    this.contender = contender;
  }

  stop(): void {
    this.stopped = true;
    if (this.leaderSessionId !== null) this.notLeader();
    this.contender = undefined;
  }

  confirmLeadership(leaderSessionId: string, leaderAddress: string): void {
    this.confirmations.add({ sessionId: leaderSessionId, address: leaderAddress });
  }

  hasLeadership(leaderSessionId: string): boolean {
    return this.leaderSessionId === leaderSessionId;
  }

  isLeader(sessionId: string): void {
    this.leaderSessionId = sessionId;
    this.contender?.grantLeadership(sessionId);
  }

  notLeader(): void {
    this.leaderSessionId = null;
    this.contender?.revokeLeadership();
  }
}
