// The data a ZooKeeperClient takes and gives: create modes, node stats, watches,
// transactions, and the client's options. Kept apart from the client so that the
// HA services' modules name these without seeing the client library.

/** How a ZooKeeperClient reports what a user should see; tests inject a recorder. */
export interface ZooKeeperClientLog {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export interface ZooKeeperClientOptions {
  /** host:port[,host:port...] */
  readonly connectString: string;
  readonly sessionTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly retryWaitMs: number;
  readonly maxRetryAttempts: number;
  /** Selects the Session error policy (only LOST is an error) instead of the Standard one. */
  readonly tolerateSuspendedConnections: boolean;
  readonly log?: ZooKeeperClientLog;
}

export const CreateMode = {
  PERSISTENT: 'PERSISTENT',
  EPHEMERAL: 'EPHEMERAL',
  PERSISTENT_SEQUENTIAL: 'PERSISTENT_SEQUENTIAL',
  EPHEMERAL_SEQUENTIAL: 'EPHEMERAL_SEQUENTIAL',
} as const;
export type CreateMode = (typeof CreateMode)[keyof typeof CreateMode];

export interface NodeStat {
  readonly version: number;
  readonly cversion: number;
  readonly numChildren: number;
  /** The owning session as 16 hex digits, or null for a persistent node. */
  readonly ephemeralOwner: string | null;
}

export type WatchedEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';
export interface WatchedEvent {
  readonly type: WatchedEventType;
  readonly path: string;
}
/** A one-shot watch, as in ZooKeeper; the same function set twice on a path fires once. */
export type Watcher = (event: WatchedEvent) => void;

export type TransactionOp =
  | { readonly op: 'create'; readonly path: string; readonly data?: Buffer; readonly mode?: CreateMode }
  | { readonly op: 'check'; readonly path: string; readonly version?: number }
  | { readonly op: 'setData'; readonly path: string; readonly data: Buffer | null; readonly version?: number }
  | { readonly op: 'delete'; readonly path: string; readonly version?: number };

export interface CreateOptions {
  readonly mode?: CreateMode;
  /** Creates missing parents as persistent nodes first (Curator's creatingParentsIfNeeded). */
  readonly createParents?: boolean;
}
