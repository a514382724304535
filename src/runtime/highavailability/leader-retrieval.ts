// The observer's side of leader election, mirroring Flink's LeaderRetrievalService
// and LeaderRetrievalListener: a TaskExecutor learns where the ResourceManager or
// a JobMaster is, and under which session id, through these two interfaces.

export interface LeaderRetrievalListener {
  /** A new leader, or `(null, null)` when there is none at the moment. */
  notifyLeaderAddress(address: string | null, leaderSessionId: string | null): void;
  /** Leader retrieval failed and will not recover by itself. */
  handleError(error: Error): void;
}

export interface LeaderRetrievalService {
  /** Starts reporting leaders to `listener`. */
  start(listener: LeaderRetrievalListener): void;
  /** Stops reporting; the listener hears nothing afterwards. */
  stop(): void;
}
