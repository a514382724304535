// The contender's side of leader election, mirroring Flink's LeaderContender and
// LeaderElectionService: a ResourceManager or JobMaster is granted a session id,
// confirms it together with its address, and only then do observers learn of it.

export interface LeaderContender {
  grantLeadership(leaderSessionId: string): void;
  revokeLeadership(): void;
  handleError(error: Error): void;
}

export interface LeaderElectionService {
  /** Enters `contender` into the election. */
  start(contender: LeaderContender): void;
  /** Leaves the election; a leader gives up its leadership. */
  stop(): void;
  /** The contender accepts the session it was granted and publishes its address. */
  confirmLeadership(leaderSessionId: string, leaderAddress: string): void;
  /** Whether the contender holds leadership under `leaderSessionId` right now. */
  hasLeadership(leaderSessionId: string): boolean;
}
