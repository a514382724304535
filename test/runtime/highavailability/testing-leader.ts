// Recording doubles for leader election tests, after Flink's TestingLeaderContender
// and LeaderRetrievalUtils.LeaderConnectionInfoListener.

import type { LeaderContender } from '../../../src/runtime/highavailability/leader-election.js';
import type { LeaderRetrievalListener } from '../../../src/runtime/highavailability/leader-retrieval.js';

export type ContenderEvent = ['grant', string] | ['revoke'] | ['error', Error];

export class RecordingLeaderContender implements LeaderContender {
  readonly events: ContenderEvent[] = [];
  onGrant: (sessionId: string) => void = () => undefined;

  grantLeadership(leaderSessionId: string): void {
    this.events.push(['grant', leaderSessionId]);
    this.onGrant(leaderSessionId);
  }
  revokeLeadership(): void {
    this.events.push(['revoke']);
  }
  handleError(error: Error): void {
    this.events.push(['error', error]);
  }

  get grants(): string[] {
    return this.events.flatMap((e) => (e[0] === 'grant' ? [e[1]] : []));
  }
  get errors(): Error[] {
    return this.events.flatMap((e) => (e[0] === 'error' ? [e[1]] : []));
  }
}

export type LeaderEvent = [string | null, string | null];

export class RecordingLeaderListener implements LeaderRetrievalListener {
  readonly leaders: LeaderEvent[] = [];
  readonly errors: Error[] = [];

  notifyLeaderAddress(address: string | null, leaderSessionId: string | null): void {
    this.leaders.push([address, leaderSessionId]);
  }
  handleError(error: Error): void {
    this.errors.push(error);
  }
}
