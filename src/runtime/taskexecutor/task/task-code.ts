// Where a TaskExecutor gets the code of a task whose module is `blob:<key>`: the
// process's BlobCache, in which each job on this TaskExecutor holds a reference
// (Flink's PermanentBlobService with registerJob/releaseJob). The task's module
// is swapped for the local copy's file: URL before its slot worker imports it.

import { isBlobModule, resolveTaskInvokable } from '../../blob/blob-task-module.js';
import type { PermanentBlobService } from '../../blob/permanent-blob-cache.js';
import type { JobID, ResourceID } from '../../types/ids.js';
import type { TaskDeploymentDescriptor, TaskInvokable } from '../../types/task-deployment-descriptor.js';
import { TaskSubmissionError } from '../../gateways/task-executor-errors.js';

/** The TaskExecutor's view of the process's BlobCache: a job holds a reference while it is here. */
export interface TaskBlobService extends PermanentBlobService {
  registerJob(jobId: JobID): void;
  releaseJob(jobId: JobID): void;
}

export type PrepareTask = (invokable: TaskInvokable) => Promise<TaskInvokable>;

/** How to make the task's code local, or undefined when it is local already. */
export function taskCodePreparation(
  tdd: TaskDeploymentDescriptor,
  blobService: TaskBlobService | undefined,
  resourceId: ResourceID,
): PrepareTask | undefined {
  if (!isBlobModule(tdd.invokable.module)) return undefined;
  if (!blobService) {
    const error = new TaskSubmissionError(
      `Task ${tdd.executionId} needs ${tdd.invokable.module}, but TaskExecutor ${resourceId} has no blob service.`,
    );
    return () => Promise.reject(error);
  }
  return (invokable) => resolveTaskInvokable(tdd.jobId, invokable, blobService);
}
