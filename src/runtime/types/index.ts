// The runtime's plain-data ids and messages, in one import.

export { Acknowledge } from './acknowledge.js';
export type { ClusterInformation } from './cluster-information.js';
export { ExecutionState, isTerminalExecutionState } from './execution-state.js';
export type {
  AllocatedSlotInfo,
  AllocatedSlotReport,
  TaskExecutorHeartbeatPayload,
  TaskExecutorToJobManagerHeartbeatPayload,
} from './heartbeat-payloads.js';
export {
  AllocationID,
  DispatcherId,
  ExecutionAttemptID,
  InstanceID,
  JobID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
} from './ids.js';
export type { IdFactory } from './ids.js';
export { JobStatus, isGloballyTerminalJobStatus } from './job-status.js';
export { RegistrationResponse } from './registration-response.js';
export type {
  JMTMRegistrationResponse,
  JMTMRegistrationSuccess,
  JobMasterRegistrationResponse,
  JobMasterRegistrationSuccess,
  RegistrationFailure,
  RegistrationRejection,
  RegistrationSuccess,
  TaskExecutorRegistrationResponse,
  TaskExecutorRegistrationSuccess,
} from './registration-response.js';
export { ResourceProfile, generateDefaultSlotResourceProfile } from './resource-profile.js';
export { ResourceRequirements } from './resource-requirements.js';
export type { ResourceRequirement } from './resource-requirements.js';
export { SerializedThrowable } from './serialized-throwable.js';
export { SlotID } from './slot-id.js';
export type { SlotOffer } from './slot-offer.js';
export type { SlotReport, SlotStatus } from './slot-report.js';
export type { TaskDeploymentDescriptor, TaskInvokable } from './task-deployment-descriptor.js';
export type { TaskExecutionState } from './task-execution-state.js';
export type { HardwareDescription, TaskExecutorRegistration } from './task-executor-registration.js';
export type {
  ResourceOverview,
  TaskManagerInfo,
  TaskManagerRegistrationInformation,
} from './task-manager-info.js';
export type { JobResult, TaskStateChange } from './job-result.js';
export type { JobEvent, JobResultMessage, JobSnapshot, TaskStateChangeMessage } from './job-events.js';
export type {
  ArchivedExecution,
  ExceptionHistoryEntry,
  ExecutionGraphInfo,
  JobDetails,
} from './job-details.js';
export {
  fromJobResultMessage,
  fromTaskStateChangeMessage,
  toJobResultMessage,
  toTaskStateChangeMessage,
} from './job-events.js';
export type { JobGraph, RestartStrategyConfiguration } from './job-graph.js';
export type { ThreadStats } from './thread-stats.js';
