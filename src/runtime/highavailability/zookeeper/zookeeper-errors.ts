// Errors of the ZooKeeper client facade, one class per KeeperException that callers
// act on (Flink catches NoNodeException, NodeExistsException, ...), each with a
// stable code and registered with the error codec so that it crosses threads intact.

import { registerErrorClasses } from '../../../actor/error-codec.js';
import { FlinkError } from '../../flink-error.js';

/** Any failed ZooKeeper operation; `keeperCode` is ZooKeeper's own error number when it sent one. */
export class ZooKeeperError extends FlinkError {
  static override readonly code: string = 'ERR_ZOOKEEPER';
  keeperCode?: number;
}

/** The node does not exist (KeeperException.NoNodeException). */
export class NoNodeError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_NO_NODE';
}

/** The node exists already (KeeperException.NodeExistsException). */
export class NodeExistsError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_NODE_EXISTS';
}

/** The node's version is not the expected one (KeeperException.BadVersionException). */
export class BadVersionError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_BAD_VERSION';
}

/** The node still has children (KeeperException.NotEmptyException). */
export class NotEmptyError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_NOT_EMPTY';
}

/**
 * No connection, or it broke while the request was out (KeeperException.ConnectionLossException).
 * Whether a request that failed this way took effect is unknown.
 */
export class ConnectionLossError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_CONNECTION_LOSS';
}

/** The session ended; its ephemeral nodes are gone (KeeperException.SessionExpiredException). */
export class SessionExpiredError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_SESSION_EXPIRED';
}

/** The ZooKeeperClient was closed before or while the operation ran. */
export class ZooKeeperClientClosedError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_CLIENT_CLOSED';
}

/** A connection_info node holds something that is not leader information. */
export class CorruptLeaderInformationError extends ZooKeeperError {
  static override readonly code = 'ERR_ZOOKEEPER_CORRUPT_LEADER_INFORMATION';
}

registerErrorClasses(
  ZooKeeperError,
  NoNodeError,
  NodeExistsError,
  BadVersionError,
  NotEmptyError,
  ConnectionLossError,
  SessionExpiredError,
  ZooKeeperClientClosedError,
  CorruptLeaderInformationError,
);
