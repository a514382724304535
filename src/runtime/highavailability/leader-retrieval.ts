// The observer's side of leader election, mirroring Flink's LeaderRetrievalService
// and LeaderRetrievalListener: a TaskExecutor learns where the ResourceManager or
// a JobMaster is, and under which session id, through these two interfaces.

export interface LeaderRetrievalListener {
  /** A new leader, or `(null, null)` when there is none at the moment. */
  notifyLeaderAddress(address: string | null, leaderSessionId: string | null): void;
  /** Leader retrieval failed and will not recover by itself. */
  handleError(error: Error): void;
}

/** A leader the listener already follows, learnt some other way (threadlink's own). */
export interface KnownLeader {
  readonly address: string;
  readonly sessionId: string;
}

export interface LeaderRetrievalService {
  /**
   * Starts reporting leaders to `listener`. With `known`, the listener already
   * follows that leader: a report of it is not passed on, while a first report of
   * another leader, or of none, is. Services that always report their one leader ignore it.
   */
  start(listener: LeaderRetrievalListener, known?: KnownLeader): void;
  /** Stops reporting; the listener hears nothing afterwards. */
  stop(): void;
}
