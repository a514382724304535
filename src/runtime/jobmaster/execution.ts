// The JobMaster's bookkeeping for tasks. Mirrors Flink's ExecutionVertex (one
// task of the job, across all its attempts) and Execution (one attempt, in one
// slot). A job here is a set of independent tasks, so there is no graph to walk.

import type { ExecutionState } from '../types/execution-state.js';
import type { ExecutionAttemptID } from '../types/ids.js';
import type { TaskInvokable } from '../types/task-deployment-descriptor.js';
import type { ScheduledTask } from '../../rpc/scheduled-executor.js';
import type { FixedDelayRestartBackoffTimeStrategy } from './restart-strategy.js';
import type { AllocatedSlot } from './slot-pool.js';

export interface ExecutionVertex {
  readonly taskIndex: number;
  readonly invokable: TaskInvokable;
  readonly restartStrategy: FixedDelayRestartBackoffTimeStrategy;
  /** What a deployment of the task adds to a submitTasks message (see task-size.ts). */
  readonly deploymentBytes: number;
  /** The attempt now in flight, if any. */
  current: Execution | undefined;
  /** The number the next attempt gets. */
  nextAttemptNumber: number;
  /** A restart waiting for its backoff delay. */
  restartTimer: ScheduledTask | undefined;
}

export interface Execution {
  readonly executionId: ExecutionAttemptID;
  readonly vertex: ExecutionVertex;
  readonly attemptNumber: number;
  state: ExecutionState;
  slot: AllocatedSlot | undefined;
  /** submitTask was acknowledged: from now on the TaskExecutor must report it in its heartbeats. */
  deployed: boolean;
  /** The clock's time when RUNNING was reported; how long tasks run decides how many a slot queues. */
  runningSince: number;
}

/** A queue of vertices waiting for a slot: new ones at the back, restarts at the front. */
export class WaitingVertices {
  private items: ExecutionVertex[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(vertex: ExecutionVertex): void {
    this.items.push(vertex);
  }

  pushFront(vertex: ExecutionVertex): void {
    if (this.head > 0) this.items[--this.head] = vertex;
    else this.items.unshift(vertex);
  }

  shift(): ExecutionVertex | undefined {
    if (this.head === this.items.length) return undefined;
    const vertex = this.items[this.head++];
    // Compact once the consumed prefix dominates, so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return vertex;
  }

  /** Empties the queue; returns what waited, oldest first. */
  drain(): ExecutionVertex[] {
    const waiting = this.items.slice(this.head);
    this.clear();
    return waiting;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
