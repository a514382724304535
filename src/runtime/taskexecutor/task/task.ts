// One execution of a task in a slot. Mirrors Flink's Task: it holds the
// deployment descriptor, runs the user code on its slot's worker (never on the
// TaskExecutor's thread), and reports its states through TaskManagerActions:
// RUNNING once the worker has been handed the task, then exactly one of
// FINISHED (with the return value), FAILED (with the error) or CANCELED.
//
// cancel() and failExternally() end the worker if the task is on it, and the
// final state is reported once the worker is gone, so that a CANCELED or FAILED
// task no longer runs anywhere. A task taken back before its worker got it
// reports only the final state. The first of cancel and failExternally decides it.

import type { SerializedError } from '../../../actor/error-codec.js';
import { ExecutionState } from '../../types/execution-state.js';
import type { AllocationID, ExecutionAttemptID, JobID } from '../../types/ids.js';
import { SerializedThrowable } from '../../types/serialized-throwable.js';
import type { TaskDeploymentDescriptor, TaskInvokable } from '../../types/task-deployment-descriptor.js';
import type { TaskSlotPayload } from '../slot/task-slot-payload.js';
import type { SlotWorker, SlotWorkerJob } from './slot-worker.js';
import type { TaskManagerActions } from './task-manager-actions.js';

export class Task implements TaskSlotPayload, SlotWorkerJob {
  readonly jobId: JobID;
  readonly executionId: ExecutionAttemptID;
  readonly allocationId: AllocationID;
  /** What the slot worker runs: the descriptor's invokable, once `prepare` has made it local. */
  invokable: TaskInvokable;
  private state: ExecutionState = ExecutionState.CREATED;
  /** Whether the slot worker has the task; until then, cancelling needs no worker to end. */
  private submitted = false;

  constructor(
    readonly tdd: TaskDeploymentDescriptor,
    private readonly slotWorker: SlotWorker,
    private readonly actions: TaskManagerActions,
    /** Makes the invokable runnable here first, e.g. downloads its `blob:` module; a failure fails the task. */
    private readonly prepare?: (invokable: TaskInvokable) => Promise<TaskInvokable>,
  ) {
    this.jobId = tdd.jobId;
    this.executionId = tdd.executionId;
    this.allocationId = tdd.allocationId;
    this.invokable = tdd.invokable;
  }

  getExecutionState(): ExecutionState {
    return this.state;
  }

  /** Hands the task to its slot's worker; it runs as soon as the tasks before it in the slot are done. */
  start(): void {
    if (this.state !== ExecutionState.CREATED) return;
    this.state = ExecutionState.DEPLOYING;
    if (!this.prepare) {
      this.submit();
      return;
    }
    this.prepare(this.invokable).then(
      (invokable) => {
        // Cancelled or failed while it was being prepared: the final state is reported already.
        if (this.state !== ExecutionState.DEPLOYING) return;
        this.invokable = invokable;
        this.submit();
      },
      (error: unknown) => {
        if (this.state === ExecutionState.DEPLOYING) this.reportFailed(SerializedThrowable.of(error));
      },
    );
  }

  /** Ends the task; it reports CANCELED once its code can no longer run. */
  cancel(): void {
    this.cancelOrFail(ExecutionState.CANCELED, undefined);
  }

  /** Ends the task because of something outside it (its slot is freed, its JobMaster lost); it reports FAILED. */
  failExternally(cause: Error): void {
    this.cancelOrFail(ExecutionState.FAILED, cause);
  }

  // ------------------------------------------------------------------ SlotWorkerJob

  onRunning(): void {
    if (this.state !== ExecutionState.DEPLOYING) return;
    this.state = ExecutionState.RUNNING;
    this.actions.updateTaskExecutionState(this, {
      jobId: this.jobId,
      executionId: this.executionId,
      state: ExecutionState.RUNNING,
    });
  }

  onFinished(value: unknown, durationMs: number): void {
    if (this.state !== ExecutionState.RUNNING) return;
    this.state = ExecutionState.FINISHED;
    this.actions.updateTaskExecutionState(this, {
      jobId: this.jobId,
      executionId: this.executionId,
      state: ExecutionState.FINISHED,
      result: value,
      durationMs,
    });
  }

  onFailed(error: SerializedError): void {
    if (this.state !== ExecutionState.RUNNING) return;
    this.reportFailed(error);
  }

  onWorkerLost(cause: Error): void {
    if (this.state !== ExecutionState.RUNNING && this.state !== ExecutionState.DEPLOYING) return;
    this.reportFailed(SerializedThrowable.of(cause));
  }

  toString(): string {
    const { taskIndex, attemptNumber } = this.tdd;
    return `Task(${this.executionId}, index ${taskIndex}, attempt ${attemptNumber}, ${this.state})`;
  }

  // ------------------------------------------------------------------ internals

  private cancelOrFail(target: 'CANCELED' | 'FAILED', cause: Error | undefined): void {
    const from = this.state;
    if (
      from !== ExecutionState.CREATED &&
      from !== ExecutionState.DEPLOYING &&
      from !== ExecutionState.RUNNING
    ) {
      return;
    }
    this.state = ExecutionState.CANCELING;
    const settle = () => {
      if (target === ExecutionState.FAILED) this.reportFailed(SerializedThrowable.of(cause));
      else this.reportCanceled();
    };
    if (!this.submitted) settle();
    else this.slotWorker.abort(this).then(settle, settle);
  }

  private submit(): void {
    this.submitted = true;
    this.slotWorker.submit(this);
  }

  private reportFailed(error: SerializedError): void {
    this.state = ExecutionState.FAILED;
    this.actions.updateTaskExecutionState(this, {
      jobId: this.jobId,
      executionId: this.executionId,
      state: ExecutionState.FAILED,
      error,
    });
  }

  private reportCanceled(): void {
    this.state = ExecutionState.CANCELED;
    this.actions.updateTaskExecutionState(this, {
      jobId: this.jobId,
      executionId: this.executionId,
      state: ExecutionState.CANCELED,
    });
  }
}
