// ZooKeeper high availability (Flink's highavailability.zookeeper, leaderelection and
// leaderretrieval ZooKeeper drivers, ZooKeeperStateHandleStore): the client facade, its
// connection states and errors, the leader latch and drivers, the stores and the services.

export {
  ConnectionState,
  SessionConnectionStateErrorPolicy,
  StandardConnectionStateErrorPolicy,
} from './connection-state.js';
export type { ConnectionStateErrorPolicy, ConnectionStateListener } from './connection-state.js';
export { ZooKeeperClient } from './zookeeper-client.js';
export { CreateMode } from './zookeeper-types.js';
export type {
  CreateOptions,
  NodeStat,
  TransactionOp,
  WatchedEvent,
  WatchedEventType,
  Watcher,
  ZooKeeperClientLog,
  ZooKeeperClientOptions,
} from './zookeeper-types.js';
export { ZooKeeperClientConfiguration } from './zookeeper-client-configuration.js';
export {
  BadVersionError,
  ConnectionLossError,
  CorruptLeaderInformationError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  SessionExpiredError,
  ZooKeeperClientClosedError,
  ZooKeeperError,
} from './zookeeper-errors.js';
export { LeaderLatch } from './leader-latch.js';
export type { LeaderLatchListener } from './leader-latch.js';
export {
  ZooKeeperLeaderElectionDriver,
  ZooKeeperLeaderElectionDriverFactory,
} from './zookeeper-leader-election-driver.js';
export {
  ZooKeeperLeaderRetrievalDriver,
  ZooKeeperLeaderRetrievalDriverFactory,
} from './zookeeper-leader-retrieval-driver.js';
export type { LeaderInformationClearancePolicy } from './zookeeper-leader-retrieval-driver.js';
export { decodeLeaderInformation, encodeLeaderInformation } from './zookeeper-leader-information.js';
export {
  generateZookeeperPath,
  getConnectionInformationPath,
  getLeaderLatchPath,
  getLeaderPath,
  jobManagerComponentId,
  kDispatcherLeader,
  kResourceManagerLeader,
  kRestServerLeader,
} from './zookeeper-paths.js';
export { ZooKeeperStateHandleStore } from './zookeeper-state-handle-store.js';
export { ZooKeeperJobGraphStoreWatcher } from './zookeeper-job-graph-store-watcher.js';
export { kSubmittedJobGraphPrefix, ZooKeeperHaServices } from './zookeeper-ha-services.js';
export type { ZooKeeperHaServicesOptions } from './zookeeper-ha-services.js';
