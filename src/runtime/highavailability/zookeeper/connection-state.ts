// The connection states a ZooKeeperClient reports, Curator's ConnectionState, and the
// two ConnectionStateErrorPolicies that Flink's tolerate-suspended-connections picks
// between: Standard (SUSPENDED and LOST are errors) and Session (only LOST is).

export const ConnectionState = {
  /** The first connection of this client. */
  CONNECTED: 'CONNECTED',
  /** The connection broke; the session may still be alive on the server. */
  SUSPENDED: 'SUSPENDED',
  /** Connected again, in the same session or, after LOST, in a new one. */
  RECONNECTED: 'RECONNECTED',
  /** The session is gone (expired, or suspended longer than the session timeout), and its ephemeral nodes with it. */
  LOST: 'LOST',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

export type ConnectionStateListener = (state: ConnectionState) => void;

/** Whether `state` means the client is connected to the quorum. */
export function isConnected(state: ConnectionState | null): boolean {
  return state === ConnectionState.CONNECTED || state === ConnectionState.RECONNECTED;
}

/**
 * Curator's ConnectionStateErrorPolicy: which states end leadership and clear
 * retrieved leader information. Standard is Flink's default; Session is what
 * high-availability.zookeeper.client.tolerate-suspended-connections=true selects.
 */
export interface ConnectionStateErrorPolicy {
  readonly name: 'standard' | 'session';
  isErrorState(state: ConnectionState): boolean;
}

export const StandardConnectionStateErrorPolicy: ConnectionStateErrorPolicy = Object.freeze({
  name: 'standard',
  isErrorState: (state: ConnectionState) =>
    state === ConnectionState.SUSPENDED || state === ConnectionState.LOST,
});

export const SessionConnectionStateErrorPolicy: ConnectionStateErrorPolicy = Object.freeze({
  name: 'session',
  isErrorState: (state: ConnectionState) => state === ConnectionState.LOST,
});
