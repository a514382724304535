// What submitTask carries: which task to run, in which slot, for which job.
// Mirrors Flink's TaskDeploymentDescriptor; the "invokable" is user code named
// by a module URL and an export, called with plain-data arguments.

import type { AllocationID, ExecutionAttemptID, JobID } from './ids.js';

/** The user code of a task: `(await import(module))[exportName](...args)`. */
export interface TaskInvokable {
  /** A URL (`file:`, `data:`) or an absolute path of an ES module. */
  readonly module: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

export interface TaskDeploymentDescriptor {
  readonly jobId: JobID;
  readonly executionId: ExecutionAttemptID;
  readonly allocationId: AllocationID;
  /** The task's position in the job, for logs and results. */
  readonly taskIndex: number;
  /** 0 for the first execution of the task, then one more per restart. */
  readonly attemptNumber: number;
  readonly invokable: TaskInvokable;
}
