// What a Dispatcher knows of one job: its graph, status and times, the latest
// state of each task, its exceptions, its result once it has ended, and the
// clients that follow it. Mirrors what Flink's Dispatcher keeps in its
// ExecutionGraphInfoStore (and its exception history), gathered from the
// job's JobMaster as events instead of asked for on each request.

import { ExecutionState } from '../types/execution-state.js';
import type { JobGraph } from '../types/job-graph.js';
import type { ExecutionGraphInfo, JobDetails } from '../types/job-details.js';
import type { JobEvent, JobResultMessage, JobSnapshot, TaskStateChangeMessage } from '../types/job-events.js';
import { JobStatus, isGloballyTerminalJobStatus } from '../types/job-status.js';
import type { SerializedThrowable } from '../types/serialized-throwable.js';

/** One failed attempt, for the job's exception history (Flink's web.exception-history-size). */
export interface JobException {
  readonly timestamp: number;
  readonly taskIndex: number;
  readonly attemptNumber: number;
  readonly resourceId: string | undefined;
  readonly error: SerializedThrowable;
}

/** Failed attempts kept per job, newest last (Flink's default exception history size is 16). */
export const kExceptionHistorySize = 16;

export class JobRecord {
  status: JobStatus = JobStatus.CREATED;
  readonly startTime: number;
  endTime: number | undefined;
  result: JobResultMessage | undefined;
  failedAttempts = 0;
  readonly exceptions: JobException[] = [];
  /** When the status or a task last changed, for the REST API's last-modification. */
  lastUpdateTime: number;
  private readonly tasks: (TaskStateChangeMessage | undefined)[];
  private readonly taskUpdateTimes: number[];
  private seq = 0;

  constructor(
    readonly jobGraph: JobGraph,
    /** Time in ms since the epoch. */
    private readonly now: () => number,
  ) {
    this.startTime = now();
    this.lastUpdateTime = this.startTime;
    this.tasks = new Array<TaskStateChangeMessage | undefined>(jobGraph.tasks.length).fill(undefined);
    this.taskUpdateTimes = new Array<number>(jobGraph.tasks.length).fill(this.startTime);
  }

  /** A job known only by its stored result: it ended under an earlier leader. */
  static ofResult(name: string, result: JobResultMessage, now: () => number): JobRecord {
    const jobGraph: JobGraph = {
      jobId: result.jobId,
      name,
      tasks: [],
      restartStrategy: { attempts: 0, delayMs: 0 },
    };
    const record = new JobRecord(jobGraph, now);
    record.finished(result);
    return record;
  }

  get jobId() {
    return this.jobGraph.jobId;
  }

  get ended(): boolean {
    return this.result !== undefined;
  }

  /** A task changed state; returns the event for the job's followers. */
  taskChanged(change: TaskStateChangeMessage): JobEvent {
    this.tasks[change.taskIndex] = change;
    this.lastUpdateTime = this.taskUpdateTimes[change.taskIndex] = this.now();
    if (change.state === ExecutionState.FAILED && !change.lost) {
      this.failedAttempts++;
      if (change.error) {
        this.exceptions.push({
          timestamp: this.now(),
          taskIndex: change.taskIndex,
          attemptNumber: change.attemptNumber,
          resourceId: change.resourceId,
          error: change.error,
        });
        if (this.exceptions.length > kExceptionHistorySize) this.exceptions.shift();
      }
    }
    return { kind: 'task', seq: ++this.seq, change };
  }

  statusChanged(status: JobStatus): JobEvent {
    this.status = status;
    this.lastUpdateTime = this.now();
    if (isGloballyTerminalJobStatus(status)) this.endTime ??= this.now();
    return { kind: 'status', seq: ++this.seq, status };
  }

  /** The job ended (or its run here did): returns the event for the job's followers. */
  finished(result: JobResultMessage): JobEvent {
    this.result = result;
    this.status = result.status;
    this.endTime ??= this.now();
    this.lastUpdateTime = this.endTime;
    return { kind: 'result', seq: ++this.seq, result };
  }

  snapshot(): JobSnapshot {
    return {
      jobId: this.jobId,
      name: this.jobGraph.name,
      status: this.status,
      tasks: [...this.tasks],
      failedAttempts: this.failedAttempts,
      result: this.result,
      seq: this.seq,
    };
  }

  /** How many tasks are in each state now (a task not yet heard of is CREATED). */
  taskCounts(): Record<ExecutionState, number> {
    const counts = Object.fromEntries(Object.values(ExecutionState).map((state) => [state, 0])) as Record<
      ExecutionState,
      number
    >;
    for (const task of this.tasks) counts[task?.state ?? ExecutionState.CREATED]++;
    return counts;
  }

  /** The latest state of task `taskIndex`, if it has changed at all. */
  task(taskIndex: number): TaskStateChangeMessage | undefined {
    return this.tasks[taskIndex];
  }

  /** The job as one line of the REST API's job list. */
  details(): JobDetails {
    return {
      jobId: this.jobId,
      jobName: this.jobGraph.name,
      status: this.status,
      startTime: this.startTime,
      endTime: this.endTime ?? -1,
      lastUpdateTime: this.lastUpdateTime,
      numTasks: this.tasks.length,
      tasksPerState: this.taskCounts(),
    };
  }

  /** Everything the REST API shows of the job. */
  executionGraphInfo(): ExecutionGraphInfo {
    return {
      details: this.details(),
      tasks: this.tasks.map((task, taskIndex) => ({
        taskIndex,
        state: task?.state ?? ExecutionState.CREATED,
        attemptNumber: task?.attemptNumber ?? 0,
        resourceId: task?.resourceId,
        lastUpdateTime: this.taskUpdateTimes[taskIndex] ?? this.startTime,
      })),
      failedAttempts: this.failedAttempts,
      exceptionHistory: [...this.exceptions],
      failureCause: this.result?.error,
    };
  }
}
