// The metric groups of the components, with Flink's scopes and variables:
// JobManagerMetricGroup (`<host>.jobmanager`), its JobManagerJobMetricGroup
// (`<host>.jobmanager.<job_name>`), TaskManagerMetricGroup
// (`<host>.taskmanager.<tm_id>`), its TaskManagerJobMetricGroup and the
// TaskMetricGroup of each running task. Mirrors the classes of Flink's
// runtime.metrics.groups of the same names. A TaskManager's job group closes
// with its last task, as Flink's does.

import { AbstractMetricGroup, type GroupScope } from './abstract-metric-group.js';
import type { MetricRegistry } from './metric-registry.js';
import { ScopeFormats } from './scope-formats.js';

/** The scope of a group whose variables are `variables()`, formatted by its template when first needed. */
function scoped(
  registry: MetricRegistry,
  template: (formats: ScopeFormats) => string,
  variables: () => Readonly<Record<string, string>>,
): () => GroupScope {
  return () => {
    const all = variables();
    return { variables: all, components: ScopeFormats.format(template(registry.getScopeFormats()), all) };
  };
}

export class JobManagerMetricGroup extends AbstractMetricGroup {
  private readonly jobs = new Map<string, JobManagerJobMetricGroup>();

  constructor(registry: MetricRegistry, hostname: string) {
    super(
      registry,
      'jobmanager',
      scoped(
        registry,
        (f) => f.templates.jobManager,
        () => ({ host: hostname }),
      ),
    );
  }

  /** The job's group; the same one while it is open. */
  addJob(jobId: string, jobName: string): JobManagerJobMetricGroup {
    const existing = this.jobs.get(jobId);
    if (existing && !existing.isClosed()) return existing;
    const group = new JobManagerJobMetricGroup(this.registry, this, jobId, jobName);
    if (!this.isClosed()) this.jobs.set(jobId, group);
    else group.close();
    return group;
  }

  /** @internal */
  forgetJob(jobId: string, group: JobManagerJobMetricGroup): void {
    if (this.jobs.get(jobId) === group) this.jobs.delete(jobId);
  }

  override close(): void {
    for (const job of [...this.jobs.values()]) job.close();
    super.close();
  }
}

export class JobManagerJobMetricGroup extends AbstractMetricGroup {
  constructor(
    registry: MetricRegistry,
    private readonly jobManager: JobManagerMetricGroup,
    readonly jobId: string,
    jobName: string,
  ) {
    super(
      registry,
      'jobmanager.job',
      scoped(
        registry,
        (f) => f.templates.jobManagerJob,
        () => ({ ...jobManager.getAllVariables(), job_id: jobId, job_name: jobName }),
      ),
    );
  }

  override close(): void {
    super.close();
    this.jobManager.forgetJob(this.jobId, this);
  }
}

export class TaskManagerMetricGroup extends AbstractMetricGroup {
  private readonly jobs = new Map<string, TaskManagerJobMetricGroup>();

  constructor(
    registry: MetricRegistry,
    hostname: string,
    readonly taskManagerId: string,
  ) {
    super(
      registry,
      'taskmanager',
      scoped(
        registry,
        (f) => f.templates.taskManager,
        () => ({ host: hostname, tm_id: taskManagerId }),
      ),
    );
  }

  /** The group of a task of `jobId`, inside the job's group, which is made when needed. */
  addTask(
    jobId: string,
    jobName: string,
    executionId: string,
    taskName: string,
    subtaskIndex: number,
    attemptNumber: number,
  ): TaskMetricGroup {
    let job = this.jobs.get(jobId);
    if (!job || job.isClosed()) {
      job = new TaskManagerJobMetricGroup(this.registry, this, jobId, jobName);
      if (!this.isClosed()) this.jobs.set(jobId, job);
      else job.close();
    }
    return job.addTask(executionId, taskName, subtaskIndex, attemptNumber);
  }

  /** @internal */
  forgetJob(jobId: string, group: TaskManagerJobMetricGroup): void {
    if (this.jobs.get(jobId) === group) this.jobs.delete(jobId);
  }

  override close(): void {
    for (const job of [...this.jobs.values()]) job.close();
    super.close();
  }
}

export class TaskManagerJobMetricGroup extends AbstractMetricGroup {
  private readonly tasks = new Set<TaskMetricGroup>();

  constructor(
    registry: MetricRegistry,
    private readonly taskManager: TaskManagerMetricGroup,
    readonly jobId: string,
    jobName: string,
  ) {
    super(
      registry,
      'taskmanager.job',
      scoped(
        registry,
        (f) => f.templates.taskManagerJob,
        () => ({ ...taskManager.getAllVariables(), job_id: jobId, job_name: jobName }),
      ),
    );
  }

  addTask(
    executionId: string,
    taskName: string,
    subtaskIndex: number,
    attemptNumber: number,
  ): TaskMetricGroup {
    const task = new TaskMetricGroup(this.registry, this, executionId, taskName, subtaskIndex, attemptNumber);
    if (this.isClosed()) task.close();
    else this.tasks.add(task);
    return task;
  }

  /** @internal A task's group closed; the job's closes with its last one (Flink's removeTaskMetricGroup). */
  removeTask(task: TaskMetricGroup): void {
    if (this.tasks.delete(task) && this.tasks.size === 0) this.close();
  }

  override close(): void {
    if (this.isClosed()) return;
    const tasks = [...this.tasks];
    this.tasks.clear();
    for (const task of tasks) task.close();
    super.close();
    this.taskManager.forgetJob(this.jobId, this);
  }
}

export class TaskMetricGroup extends AbstractMetricGroup {
  constructor(
    registry: MetricRegistry,
    private readonly job: TaskManagerJobMetricGroup,
    readonly executionId: string,
    taskName: string,
    subtaskIndex: number,
    attemptNumber: number,
  ) {
    super(
      registry,
      'taskmanager.job.task',
      scoped(
        registry,
        (f) => f.templates.task,
        () => ({
          ...job.getAllVariables(),
          task_attempt_id: executionId,
          task_name: taskName,
          subtask_index: String(subtaskIndex),
          attempt_num: String(attemptNumber),
        }),
      ),
    );
  }

  override close(): void {
    if (this.isClosed()) return;
    super.close();
    this.job.removeTask(this);
  }
}
