// Where a TaskExecutor gets the code of a task whose module is `blob:<key>`: the
// process's BlobCache, in which each job on this TaskExecutor holds a reference
// (Flink's PermanentBlobService with registerJob/releaseJob). The task's module
// is swapped for the local copy's file: URL before its slot worker imports it.
// Each module is resolved once per job and reused by the job's later tasks, as
// Flink's BlobLibraryCacheManager resolves a job's class loader once per lease.

import { isBlobModule, resolveBlobModule } from '../../blob/blob-task-module.js';
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

/**
 * The code of the jobs on one TaskExecutor. A job's modules are resolved (fetched
 * from the BlobCache and linked as .mjs) by its first task that needs each, and
 * reused while the job is here: a tiny task would otherwise pay an ask to the
 * process's BlobCache and a failing link() per task. The job's reference in the
 * BlobCache keeps the files while it is here; a failed resolution is forgotten,
 * so the next task tries again.
 */
export class TaskCode {
  private readonly jobs = new Map<JobID, Map<string, Promise<string>>>();

  constructor(
    private readonly blobService: TaskBlobService | undefined,
    private readonly resourceId: ResourceID,
  ) {}

  /** The job entered this TaskExecutor. */
  registerJob(jobId: JobID): void {
    this.jobs.set(jobId, new Map());
    this.blobService?.registerJob(jobId);
  }

  /** The job left: its resolved modules are forgotten, and its BlobCache reference released. */
  releaseJob(jobId: JobID): void {
    this.jobs.delete(jobId);
    this.blobService?.releaseJob(jobId);
  }

  /** How to make the task's code local, or undefined when it is local already. */
  preparation(tdd: TaskDeploymentDescriptor): PrepareTask | undefined {
    if (!isBlobModule(tdd.invokable.module)) return undefined;
    const blobService = this.blobService;
    if (!blobService) {
      const error = new TaskSubmissionError(
        `Task ${tdd.executionId} needs ${tdd.invokable.module}, but TaskExecutor ${this.resourceId} has no blob service.`,
      );
      return () => Promise.reject(error);
    }
    return async (invokable) => {
      const modules = this.jobs.get(tdd.jobId);
      let module = modules?.get(invokable.module);
      if (!module) {
        const resolving = resolveBlobModule(tdd.jobId, invokable.module, blobService);
        module = resolving;
        modules?.set(invokable.module, resolving);
        resolving.catch(() => {
          if (modules?.get(invokable.module) === resolving) modules.delete(invokable.module);
        });
      }
      return { ...invokable, module: await module };
    };
  }
}
