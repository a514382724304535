// threadlink: Apache Flink's cluster control plane on Node.js worker threads.
//
// The public API: the MiniCluster and its jobs, the RPC API for endpoints of
// your own, ids and states, and every error class with its stable code. Flink's
// internals (slot table, heartbeat managers, registration, HA services, the
// components themselves) are exported from `threadlink/runtime`, the advanced
// surface, which may change between minor versions.

// ---- the MiniCluster and its jobs
export { JobClient, MiniCluster } from './cluster/index.js';
export type {
  JobClientEvents,
  JobProgress,
  JobResult,
  JobSpec,
  MiniClusterOptions,
  TaskExecutorExit,
  TaskExecutorProcess,
  TaskSpec,
  TaskStateChange,
} from './cluster/index.js';
export type { ConfigValue } from './runtime/configuration/config-option.js';

// ---- the RPC API: endpoints, gateways and workers of your own
export { FencedRpcEndpoint, RpcEndpoint, RpcService, WorkerHandle, defineGateway } from './rpc/index.js';
export type {
  Clock,
  FencedRpcGateway,
  GatewayDefinition,
  GatewayMethods,
  MethodKind,
  MethodKindFor,
  RpcGateway,
  RpcServiceMetrics,
  RpcServiceOptions,
  ScheduledExecutor,
  ScheduledTask,
  SpawnWorkerOptions,
  WorkerMetrics,
} from './rpc/index.js';
export { registerErrorClasses } from './actor/error-codec.js';

// ---- ids and states
export {
  AllocationID,
  ExecutionAttemptID,
  InstanceID,
  JobID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
} from './runtime/types/ids.js';
export { ExecutionState } from './runtime/types/execution-state.js';
export { JobStatus } from './runtime/types/job-status.js';

// ---- errors, each with its stable `code`
export { ActorNotFoundError } from './actor/errors.js';
export { AddressParseError } from './actor/address.js';
export {
  EndpointNotStartedError,
  FencingTokenError,
  HandshakeError,
  RecipientUnreachableError,
  RpcConnectionError,
  RpcError,
  RpcFrameSizeError,
  RpcInvalidStateError,
  RpcSerializationError,
  RpcTimeoutError,
  UnknownMessageError,
} from './rpc/errors.js';
export { FlinkError } from './runtime/flink-error.js';
export { IllegalConfigurationError } from './runtime/configuration/illegal-configuration-error.js';
export {
  ExecutionGraphError,
  ExecutionLostError,
  InvalidJobError,
  JobCancellationError,
  JobExecutionError,
  JobMasterError,
  NoResourceAvailableError,
} from './runtime/jobmaster/job-master-errors.js';
export {
  SlotAllocationError,
  SlotOccupiedError,
  TaskManagerError,
  TaskNotFoundError,
  TaskSubmissionError,
} from './runtime/gateways/task-executor-errors.js';
export {
  RegistrationTimeoutError,
  TaskExecutorFatalError,
} from './runtime/taskexecutor/task-executor-errors.js';
export {
  TaskInvokableError,
  TaskResultError,
  TaskWorkerExitedError,
} from './runtime/taskexecutor/task/task-errors.js';
export { SlotNotActiveError, SlotNotFoundError } from './runtime/taskexecutor/slot/slot-errors.js';
export { IllegalJobLeaderServiceStateError } from './runtime/taskexecutor/job-leader-service.js';
export {
  JobManagerHeartbeatTimeoutError,
  JobManagerUnreachableError,
  ResourceManagerError,
  SlotManagerClosedError,
  TaskExecutorHeartbeatTimeoutError,
  TaskExecutorUnreachableError,
  UnknownJobManagerError,
} from './runtime/resourcemanager/resource-manager-errors.js';
export { IllegalRegistrationStateError, RegistrationCancelledError } from './runtime/registration/errors.js';
export {
  IllegalLeaderServiceStateError,
  LeaderRetrievalError,
  LeaderServiceShutdownError,
} from './runtime/highavailability/errors.js';
export {
  LeaderElectionUnsupportedError,
  LeaderSubscriptionError,
} from './runtime/highavailability/remote-ha-errors.js';
export { MiniClusterError, TaskExecutorExitedError } from './cluster/index.js';
