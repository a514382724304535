// The user's handle on a submitted job. Mirrors Flink's JobClient: the job's id,
// its status, its result, cancel(); plus 'progress' events as tasks change state
// and a running count of tasks per state, so a progress line needs no polling.

import { EventEmitter } from 'node:events';

import type { JobGraph } from '../runtime/types/job-graph.js';
import type { JobResult, TaskStateChange } from '../runtime/types/job-result.js';
import type { JobMasterListener } from '../runtime/jobmaster/job-master-listener.js';
import { ExecutionState } from '../runtime/types/execution-state.js';
import type { JobID } from '../runtime/types/ids.js';
import { JobStatus } from '../runtime/types/job-status.js';

/** How many tasks are in each state now, and how many attempts failed so far. */
export interface JobProgress {
  readonly total: number;
  /** Waiting for a slot (CREATED). */
  readonly waiting: number;
  /** In a slot, not yet running (SCHEDULED, DEPLOYING). */
  readonly deploying: number;
  readonly running: number;
  readonly finished: number;
  /** Failed attempts, restarted or not; not those that lost their slot before they ran. */
  readonly failedAttempts: number;
  readonly canceled: number;
  /** Slots whose worker runs one of the job's tasks (running + canceling). */
  readonly slotsInUse: number;
}

export interface JobClientEvents {
  /** A task attempt changed state. */
  progress: [change: TaskStateChange];
  /** The job changed status. */
  status: [status: JobStatus];
}

export class JobClient extends EventEmitter<JobClientEvents> {
  readonly jobId: JobID;
  readonly name: string;
  /** The tasks' return values in task order; rejects with the job's error (a JobExecutionError). */
  readonly result: Promise<unknown[]>;

  private currentStatus: JobStatus = JobStatus.CREATED;
  private readonly taskStates: ExecutionState[];
  private readonly counts = new Map<ExecutionState, number>();
  private failedAttempts = 0;

  /** @internal The MiniCluster builds clients; `cancelJob` reaches the job's JobMaster. */
  constructor(
    jobGraph: JobGraph,
    resultFuture: Promise<JobResult>,
    private readonly cancelJob: () => Promise<void>,
  ) {
    super();
    this.jobId = jobGraph.jobId;
    this.name = jobGraph.name;
    this.taskStates = new Array<ExecutionState>(jobGraph.tasks.length).fill(ExecutionState.CREATED);
    this.counts.set(ExecutionState.CREATED, jobGraph.tasks.length);
    this.result = resultFuture.then((jobResult) => {
      if (jobResult.status === JobStatus.FINISHED) return jobResult.results ?? [];
      throw jobResult.error ?? new Error(`Job ${this.jobId} ended in state ${jobResult.status}.`);
    });
    // A user who never awaits the result must not see an unhandled rejection.
    this.result.catch(() => {});
  }

  status(): JobStatus {
    return this.currentStatus;
  }

  progress(): JobProgress {
    const count = (state: ExecutionState) => this.counts.get(state) ?? 0;
    const deploying = count(ExecutionState.SCHEDULED) + count(ExecutionState.DEPLOYING);
    const running = count(ExecutionState.RUNNING);
    return {
      total: this.taskStates.length,
      waiting: count(ExecutionState.CREATED) + count(ExecutionState.FAILED),
      deploying,
      running,
      finished: count(ExecutionState.FINISHED),
      failedAttempts: this.failedAttempts,
      canceled: count(ExecutionState.CANCELED),
      slotsInUse: running + count(ExecutionState.CANCELING),
    };
  }

  /** Cancels the job; `result` then rejects with a JobCancellationError. */
  cancel(): Promise<void> {
    return this.cancelJob();
  }

  /** @internal What the JobMaster calls. */
  readonly listener: JobMasterListener = {
    onTaskStateChange: (change) => {
      const previous = this.taskStates[change.taskIndex] as ExecutionState;
      this.taskStates[change.taskIndex] = change.state;
      this.counts.set(previous, (this.counts.get(previous) ?? 0) - 1);
      this.counts.set(change.state, (this.counts.get(change.state) ?? 0) + 1);
      if (change.state === ExecutionState.FAILED && !change.lost) this.failedAttempts++;
      if (this.listenerCount('progress') > 0) this.emit('progress', change);
    },
    onJobStatusChange: (status) => {
      this.currentStatus = status;
      this.emit('status', status);
    },
  };
}
