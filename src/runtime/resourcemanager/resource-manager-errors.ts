// Errors the ResourceManager raises, mirroring Flink's ResourceManagerException
// and the TimeoutException it hands a TaskExecutor or JobMaster whose heartbeat
// stopped.
// Each has a stable code and is registered, so it keeps its class when it
// reaches a TaskExecutor in another thread.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';

/** The ResourceManager refused a request, or let a TaskExecutor go. */
export class ResourceManagerError extends FlinkError {
  static override readonly code: string = 'ERR_RESOURCE_MANAGER';
}

/** No heartbeat from a TaskExecutor within `heartbeat.timeout` (Flink's TimeoutException). */
export class TaskExecutorHeartbeatTimeoutError extends ResourceManagerError {
  static override readonly code = 'ERR_TASK_EXECUTOR_HEARTBEAT_TIMEOUT';
}

/** Heartbeat requests to a TaskExecutor kept finding no recipient. */
export class TaskExecutorUnreachableError extends ResourceManagerError {
  static override readonly code = 'ERR_TASK_EXECUTOR_UNREACHABLE';
}

/**
 * A JobMaster called as the leader of a job the ResourceManager has no
 * registration for, or with a JobMasterId that is not the registered one
 * (Flink: "Could not find registered job manager for job …"). It must register again.
 */
export class UnknownJobManagerError extends ResourceManagerError {
  static override readonly code = 'ERR_UNKNOWN_JOB_MANAGER';
}

/**
 * A call named a TaskExecutor that is not registered (Flink's
 * UnknownTaskExecutorException, which its REST API answers with 404).
 */
export class UnknownTaskExecutorError extends ResourceManagerError {
  static override readonly code = 'ERR_UNKNOWN_TASK_EXECUTOR';
}

/** No heartbeat from a JobMaster within `heartbeat.timeout` (Flink's TimeoutException). */
export class JobManagerHeartbeatTimeoutError extends ResourceManagerError {
  static override readonly code = 'ERR_JOB_MANAGER_HEARTBEAT_TIMEOUT';
}

/** Heartbeat requests to a JobMaster kept finding no recipient. */
export class JobManagerUnreachableError extends ResourceManagerError {
  static override readonly code = 'ERR_JOB_MANAGER_UNREACHABLE';
}

/** The slot manager was used after close(). */
export class SlotManagerClosedError extends ResourceManagerError {
  static override readonly code = 'ERR_SLOT_MANAGER_CLOSED';
}

registerErrorClasses(
  ResourceManagerError,
  TaskExecutorHeartbeatTimeoutError,
  TaskExecutorUnreachableError,
  UnknownJobManagerError,
  UnknownTaskExecutorError,
  JobManagerHeartbeatTimeoutError,
  JobManagerUnreachableError,
  SlotManagerClosedError,
);
