// A job's events as they travel from the Dispatcher to the clients that follow
// the job: task state changes, the job's status, and its result, as plain data
// (errors as SerializedThrowable, so they keep class and code on the way).
// Every event carries the job's sequence number, so a client that took a
// snapshot knows which events the snapshot already holds.

import type { ExecutionState } from './execution-state.js';
import type { ExecutionAttemptID, JobID, ResourceID } from './ids.js';
import type { JobStatus } from './job-status.js';
import { SerializedThrowable } from './serialized-throwable.js';
import type { JobResult, TaskStateChange } from './job-result.js';

/** A TaskStateChange as data. */
export interface TaskStateChangeMessage {
  readonly jobId: JobID;
  readonly taskIndex: number;
  readonly attemptNumber: number;
  readonly executionId: ExecutionAttemptID;
  readonly state: ExecutionState;
  readonly resourceId: ResourceID | undefined;
  readonly error?: SerializedThrowable;
  readonly lost?: boolean;
}

/** A JobResult as data. */
export interface JobResultMessage {
  readonly jobId: JobID;
  readonly status: JobStatus;
  readonly results?: unknown[];
  readonly error?: SerializedThrowable;
}

export type JobEvent =
  | { readonly kind: 'task'; readonly seq: number; readonly change: TaskStateChangeMessage }
  | { readonly kind: 'status'; readonly seq: number; readonly status: JobStatus }
  | { readonly kind: 'result'; readonly seq: number; readonly result: JobResultMessage };

/** Where a job is now, for a client that starts following it late. */
export interface JobSnapshot {
  readonly jobId: JobID;
  readonly name: string;
  readonly status: JobStatus;
  /** The latest change of each task, by index; undefined for a task that has not changed yet. */
  readonly tasks: readonly (TaskStateChangeMessage | undefined)[];
  /** Failed attempts so far (not counting attempts lost with their TaskExecutor or slot: see `lost`). */
  readonly failedAttempts: number;
  /** Set once the job has ended. */
  readonly result: JobResultMessage | undefined;
  /** The sequence number of the last event the snapshot holds. */
  readonly seq: number;
}

export function toTaskStateChangeMessage(change: TaskStateChange): TaskStateChangeMessage {
  const { error, ...rest } = change;
  return error ? { ...rest, error: SerializedThrowable.of(error) } : rest;
}

export function fromTaskStateChangeMessage(message: TaskStateChangeMessage): TaskStateChange {
  const { error, ...rest } = message;
  return error
    ? { ...rest, error: SerializedThrowable.deserialize(error, `task ${message.executionId}`) }
    : rest;
}

export function toJobResultMessage(result: JobResult): JobResultMessage {
  const { error, ...rest } = result;
  return error ? { ...rest, error: SerializedThrowable.of(error) } : rest;
}

export function fromJobResultMessage(message: JobResultMessage): JobResult {
  const { error, ...rest } = message;
  return error ? { ...rest, error: SerializedThrowable.deserialize(error, `job ${message.jobId}`) } : rest;
}
