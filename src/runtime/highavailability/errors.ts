// Errors of the leader election and retrieval services, each with a stable code.

/** A service was used in a state that does not allow it (Flink's IllegalStateException). */
export class IllegalLeaderServiceStateError extends Error {
  readonly code = 'ERR_ILLEGAL_STATE';
  override readonly name = 'IllegalLeaderServiceStateError';
}

/** An EmbeddedLeaderService shut down under its contenders and listeners. */
export class LeaderServiceShutdownError extends Error {
  readonly code = 'ERR_LEADER_SERVICE_SHUTDOWN';
  override readonly name = 'LeaderServiceShutdownError';
}

/** Leader information could not be retrieved (Flink's LeaderRetrievalException). */
export class LeaderRetrievalError extends Error {
  readonly code = 'ERR_LEADER_RETRIEVAL';
  override readonly name = 'LeaderRetrievalError';
}
