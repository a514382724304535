// Sends a JobMaster the state changes of the tasks it deployed here, batched:
// the changes of one event-loop turn leave as one updateTaskExecutionStates
// tell, in the order they happened. Mirrors the reporting half of Flink's
// TaskExecutor.updateTaskExecutionState, which sends one ask per change.
//
// Final states leave at the end of the turn. A RUNNING state waits up to
// kRunningReportDelayMs: if its task FINISHES meanwhile, the RUNNING is left out
// (FINISHED carries how long the task ran instead); a FAILED or CANCELED takes it
// along, first. So a short task costs one entry instead of two, and a long one
// reports RUNNING a few milliseconds late.
//
// Ordering with heartbeats: a heartbeat's deployment report must not overtake a
// final state the report already leaves out, or the JobMaster would think the
// task lost. The TaskExecutor flushes the batch before it answers a heartbeat,
// and both travel the same link, which keeps their order.
//
// A FINISHED state whose return value cannot travel (over the frame limit, not
// cloneable) is refused by the sender at once; it turns into FAILED with a
// TaskResultError, so the job learns why instead of waiting.

import { getLogger } from '../../actor/logger.js';
import { RpcFrameSizeError, RpcSerializationError } from '../../rpc/errors.js';
import type { ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { ExecutionState } from '../types/execution-state.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import type { ExecutionAttemptID } from '../types/ids.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import { TaskResultError } from './task/task-errors.js';

const log = getLogger('TaskExecutor');

/** The JobMaster's short-task threshold (kShortTaskMs): a task shorter than this never reports RUNNING apart. */
export const kRunningReportDelayMs = 5;

export class TaskExecutionStateBatch {
  /** RUNNING states waiting for the RUNNING report, by execution. */
  private readonly running = new Map<ExecutionAttemptID, TaskExecutionState>();
  /** Final states (and the RUNNING states they pulled along), in order. */
  private finals: TaskExecutionState[] = [];
  private flushQueued = false;
  private runningReport: ScheduledTask | undefined;
  private readonly flushFinals = () => {
    this.flushQueued = false;
    this.send(this.takeFinals());
  };

  constructor(
    private readonly jobMaster: JobMasterGateway,
    /** Delays the RUNNING reports; the TaskExecutor's main-thread executor. */
    private readonly executor: ScheduledExecutor,
  ) {}

  add(state: TaskExecutionState): void {
    if (state.state === ExecutionState.RUNNING) {
      this.running.set(state.executionId, state);
      this.runningReport ??= this.executor.schedule(() => {
        this.runningReport = undefined;
        this.flush();
      }, kRunningReportDelayMs);
      return;
    }
    const running = this.running.get(state.executionId);
    if (running) {
      this.running.delete(state.executionId);
      // A FINISHED report stands in for its RUNNING; any other keeps the order RUNNING, then final.
      if (state.state !== ExecutionState.FINISHED) this.finals.push(running);
    }
    this.finals.push(state);
    if (!this.flushQueued) {
      this.flushQueued = true;
      // After the current turn's I/O callbacks: every task that ended in this turn shares the message.
      setImmediate(this.flushFinals);
    }
  }

  /** Sends everything queued now, RUNNING reports included. */
  flush(): void {
    this.runningReport?.cancel();
    this.runningReport = undefined;
    const states = this.takeFinals();
    for (const running of this.running.values()) states.push(running);
    this.running.clear();
    this.send(states);
  }

  private takeFinals(): TaskExecutionState[] {
    const finals = this.finals;
    this.finals = [];
    return finals;
  }

  private send(states: TaskExecutionState[]): void {
    if (states.length === 0) return;
    try {
      this.jobMaster.updateTaskExecutionStates(states);
    } catch (error) {
      if (!(error instanceof RpcFrameSizeError || error instanceof RpcSerializationError)) throw error;
      // Some state did not fit into a message: send them one by one, to learn which.
      for (const state of states) this.sendAlone(state);
    }
  }

  private sendAlone(state: TaskExecutionState): void {
    try {
      this.jobMaster.updateTaskExecutionStates([state]);
    } catch (error) {
      if (state.state !== ExecutionState.FINISHED) {
        log.warn(`Could not report state ${state.state} of ${state.executionId} to the JobMaster.`, error);
        return;
      }
      // The result did not fit into a message to the JobMaster: the task counts as FAILED.
      const failed: TaskExecutionState = {
        jobId: state.jobId,
        executionId: state.executionId,
        state: ExecutionState.FAILED,
        error: SerializedThrowable.of(
          new TaskResultError(`The task's return value could not be sent to the JobMaster.`, {
            cause: error,
          }),
        ),
      };
      this.jobMaster.updateTaskExecutionStates([failed]);
    }
  }
}
