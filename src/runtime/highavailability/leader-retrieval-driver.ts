// The seam a storage-backed leader retrieval (ZooKeeper, Kubernetes) fills,
// mirroring Flink's LeaderRetrievalDriver, LeaderRetrievalDriverFactory and
// LeaderRetrievalEventHandler. A driver watches its store and reports what it
// reads; DefaultLeaderRetrievalService turns that into listener calls.

/** What a driver read from its store; both null when there is no leader. */
export interface LeaderInformation {
  readonly leaderAddress: string | null;
  readonly leaderSessionId: string | null;
}

export const kEmptyLeaderInformation: LeaderInformation = { leaderAddress: null, leaderSessionId: null };

export interface LeaderRetrievalEventHandler {
  /** The driver saw leader information; it may repeat what it saw before. */
  notifyLeaderAddress(leaderInformation: LeaderInformation): void;
}

export interface LeaderRetrievalDriver {
  close(): void;
}

export interface LeaderRetrievalDriverFactory {
  createLeaderRetrievalDriver(
    eventHandler: LeaderRetrievalEventHandler,
    fatalErrorHandler: (error: Error) => void,
  ): LeaderRetrievalDriver;
}
