// The user's handle on a submitted job. Mirrors Flink's JobClient: the job's id,
// its status, its result, cancel(); plus 'progress' events as tasks change state
// and a running count of tasks per state, so a progress line needs no polling.
// It is fed the job's events by whoever follows the job for it: a ClusterClient
// that subscribed at the Dispatcher, on this thread or across processes.

import { EventEmitter } from 'node:events';

import { ExecutionState } from '../runtime/types/execution-state.js';
import type { JobID } from '../runtime/types/ids.js';
import {
  fromJobResultMessage,
  fromTaskStateChangeMessage,
  type JobEvent,
  type JobSnapshot,
} from '../runtime/types/job-events.js';
import type { JobResult, TaskStateChange } from '../runtime/types/job-result.js';
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
  /** Failed attempts, restarted or not; not those lost with their TaskExecutor or slot that used no attempt (`lost`). */
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
  /** The sequence number of the last event applied; older events are skipped. */
  private seq = 0;
  private settled = false;
  private settleResult!: (result: JobResult | Error) => void;

  /** @internal A ClusterClient builds clients; `cancelJob` reaches the job's Dispatcher. */
  constructor(
    jobId: JobID,
    name: string,
    taskCount: number,
    private readonly cancelJob: () => Promise<void>,
  ) {
    super();
    this.jobId = jobId;
    this.name = name;
    this.taskStates = new Array<ExecutionState>(taskCount).fill(ExecutionState.CREATED);
    this.counts.set(ExecutionState.CREATED, taskCount);
    this.result = new Promise<JobResult>((resolve, reject) => {
      this.settleResult = (result) => (result instanceof Error ? reject(result) : resolve(result));
    }).then((jobResult) => {
      // An error wins over the status: a FINISHED job whose results could not be sent still has none.
      if (jobResult.error) throw jobResult.error;
      if (jobResult.status === JobStatus.FINISHED) return jobResult.results ?? [];
      throw new Error(`Job ${this.jobId} ended in state ${jobResult.status}.`);
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

  // ------------------------------------------------------------------ fed by the ClusterClient

  /** @internal Where the job is now, for a client that starts following it late. */
  applySnapshot(snapshot: JobSnapshot): void {
    if (snapshot.seq <= this.seq) return;
    this.seq = snapshot.seq;
    this.failedAttempts = snapshot.failedAttempts;
    this.counts.clear();
    snapshot.tasks.forEach((task, index) => {
      const state = task?.state ?? ExecutionState.CREATED;
      this.taskStates[index] = state;
      this.counts.set(state, (this.counts.get(state) ?? 0) + 1);
    });
    this.setStatus(snapshot.status);
    if (snapshot.result) this.settle(fromJobResultMessage(snapshot.result));
  }

  /** @internal The job's events, in order; those a snapshot already holds are skipped. */
  applyEvents(events: readonly JobEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.seq) continue;
      this.seq = event.seq;
      if (event.kind === 'task') this.taskChanged(fromTaskStateChangeMessage(event.change));
      else if (event.kind === 'status') this.setStatus(event.status);
      else this.settle(fromJobResultMessage(event.result));
    }
  }

  /** @internal The job can no longer be followed (its cluster went away): `result` rejects with `error`. */
  abandon(error: Error): void {
    this.settle(error);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  private settle(result: JobResult | Error): void {
    if (this.settled) return;
    this.settled = true;
    this.settleResult(result);
  }

  private taskChanged(change: TaskStateChange): void {
    const previous = this.taskStates[change.taskIndex] as ExecutionState;
    this.taskStates[change.taskIndex] = change.state;
    this.counts.set(previous, (this.counts.get(previous) ?? 0) - 1);
    this.counts.set(change.state, (this.counts.get(change.state) ?? 0) + 1);
    if (change.state === ExecutionState.FAILED && !change.lost) this.failedAttempts++;
    if (this.listenerCount('progress') > 0) this.emit('progress', change);
  }

  private setStatus(status: JobStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.emit('status', status);
  }
}
