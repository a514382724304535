// The seam a storage-backed leader election (ZooKeeper, Kubernetes) fills, mirroring
// Flink's LeaderElectionDriver, its Listener and LeaderElectionDriverFactory. A driver
// elects one contender per component and stores the leader's information; the
// DefaultLeaderElectionService turns its events into LeaderContender calls.

import type { LeaderInformation } from './leader-retrieval-driver.js';

export interface LeaderElectionDriverListener {
  /** This participant became leader; the service issues a new session id. */
  onGrantLeadership(): void;
  /** This participant is no longer leader. */
  onRevokeLeadership(): void;
  /** The stored leader information changed, or was read again after a reconnect, while leader. */
  onLeaderInformationChange(leaderInformation: LeaderInformation): void;
  /** Something failed that the election cannot recover from by itself. */
  onError(error: Error): void;
}

export interface LeaderElectionDriver {
  hasLeadership(): boolean;
  /** Stores `leaderInformation` if, and only while, this participant is leader. */
  publishLeaderInformation(leaderInformation: LeaderInformation): void;
  /** Removes the stored information if this participant wrote it. */
  deleteLeaderInformation(): Promise<void>;
  /** Leaves the election; resolves once the participant's traces are removed or found gone. */
  close(): Promise<void>;
}

export interface LeaderElectionDriverFactory {
  createLeaderElectionDriver(listener: LeaderElectionDriverListener): LeaderElectionDriver;
}
