// Leader election and retrieval (Flink's leaderelection, leaderretrieval and
// highavailability packages): the interfaces, the standalone and embedded
// implementations, and the HA services that hand them out.

export type { LeaderRetrievalListener, LeaderRetrievalService } from './leader-retrieval.js';
export type { LeaderContender, LeaderElectionService } from './leader-election.js';
export type {
  LeaderInformation,
  LeaderRetrievalDriver,
  LeaderRetrievalDriverFactory,
  LeaderRetrievalEventHandler,
} from './leader-retrieval-driver.js';
export { kEmptyLeaderInformation } from './leader-retrieval-driver.js';
export type { HighAvailabilityServices, JobIdLike } from './high-availability-services.js';
export { DEFAULT_LEADER_ID } from './leader-ids.js';
export {
  IllegalLeaderServiceStateError,
  LeaderRetrievalError,
  LeaderServiceShutdownError,
} from './errors.js';
export { StandaloneLeaderRetrievalService } from './standalone-leader-retrieval-service.js';
export { StandaloneLeaderElectionService } from './standalone-leader-election-service.js';
export { DefaultLeaderRetrievalService } from './default-leader-retrieval-service.js';
export { EmbeddedLeaderService } from './embedded-leader-service.js';
export type { NotificationExecutor } from './embedded-leader-service.js';
export { StandaloneHaServices } from './standalone-ha-services.js';
export { EmbeddedHaServices } from './embedded-ha-services.js';
export type { LeaderTarget } from './leader-information-protocol.js';
export { LeaderInformationGateway, LeaderListenerGateway } from './leader-information-protocol.js';
export { LeaderInformationServer, kLeaderInformationServerId } from './leader-information-server.js';
export { LeaderListenerEndpoint } from './leader-listener-endpoint.js';
export type { LeaderSubscriber } from './leader-listener-endpoint.js';
export { RpcLeaderRetrievalDriver, RpcLeaderRetrievalDriverFactory } from './rpc-leader-retrieval-driver.js';
export type { LeaderSubscriptions } from './rpc-leader-retrieval-driver.js';
export { RemoteHaServices } from './remote-ha-services.js';
export { LeaderElectionUnsupportedError, LeaderSubscriptionError } from './remote-ha-errors.js';
export { HighAvailabilityMode } from './high-availability-mode.js';
export type {
  LeaderElectionDriver,
  LeaderElectionDriverFactory,
  LeaderElectionDriverListener,
} from './leader-election-driver.js';
export { DefaultLeaderElectionService } from './default-leader-election-service.js';
export type { JsonValue } from './json-value.js';
export type {
  JobGraphListener,
  JobGraphRecord,
  JobGraphStore,
  JobGraphStoreWatcher,
} from './job-graph-store.js';
export type {
  RetrievableStateHandle,
  RetrievableStateStorageHelper,
  StateHandleStore,
} from './state-handle-store.js';
export { DefaultJobGraphStore } from './default-job-graph-store.js';
export {
  FileSystemStateStorageHelper,
  getClusterHighAvailableStoragePath,
} from './file-system-state-storage-helper.js';
export type { ApplicationStatus, JobResultRecord, JobResultStore } from './job-result-store.js';
export { FileSystemJobResultStore } from './file-system-job-result-store.js';
export {
  CorruptStateHandleError,
  JobGraphStoreError,
  JobResultEntryAlreadyExistsError,
  NoSuchJobResultError,
  StateHandleAlreadyExistsError,
  StateHandleNotExistError,
  StateHandleNotFoundError,
} from './job-persistence-errors.js';
export * from './zookeeper/index.js';
