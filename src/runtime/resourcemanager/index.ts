// Flink's resourcemanager package: the ResourceManager endpoint, its gateway,
// its slot manager, and the leader-election service that runs it.

export {
  ResourceManager,
  kOutdatedJobMasterRegistrationReason,
  kOutdatedRegistrationReason,
  kUnrecognizedWorkerReason,
} from './resource-manager.js';
export type { ResourceManagerOptions } from './resource-manager-options.js';
export type { ResourceAllocator } from './resource-allocator.js';
export type { JobManagerRegistration } from './job-manager-registration.js';
export { kDefaultClusterInformation } from './resource-manager-options.js';
export { ResourceManagerServiceImpl } from './resource-manager-service-impl.js';
export type { ResourceManagerServiceOptions } from './resource-manager-service-impl.js';
export {
  JobManagerHeartbeatTimeoutError,
  JobManagerUnreachableError,
  ResourceManagerError,
  UnknownTaskExecutorError,
  SlotManagerClosedError,
  TaskExecutorHeartbeatTimeoutError,
  TaskExecutorUnreachableError,
  UnknownJobManagerError,
} from './resource-manager-errors.js';
export { WorkerRegistration } from './worker-registration.js';
export * from './slotmanager/index.js';
