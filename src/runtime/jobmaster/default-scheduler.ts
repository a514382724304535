// Decides what runs where and what happens when it fails. Mirrors Flink's
// DefaultScheduler with its ExecutionDeploymentReconciler, for jobs of
// independent tasks: it deploys each waiting task into a free slot of the
// SlotPool (submitTask) and follows its states; a failed task is restarted
// after the fixed delay until its attempts run out, then the job fails and the
// other tasks are cancelled; FAILING and CANCELLING wait for every execution to
// end, and a TaskExecutor that never answers cannot keep the job from ending.
// A task that loses its TaskExecutor or slot is redeployed at once without
// using an attempt: always if it had not run yet, within its budget of free
// redeployments if it had (see restart-strategy.ts). Tasks that wait while the
// job holds no slot fail it after slot.request.timeout (slot-request-timeout.ts);
// tasks that never got a slot end CANCELED when the job fails or is cancelled.
// The ExecutionGraph holds the state; the JobMaster owns the slots and the
// connections, and hears when the job has ended.

import { getLogger } from '../../actor/logger.js';
import { RecipientUnreachableError } from '../../rpc/errors.js';
import type { Clock, ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import { messageOf } from '../flink-error.js';
import { ExecutionState, isTerminalExecutionState } from '../types/execution-state.js';
import type { ExecutionAttemptID, JobMasterId, ResourceID } from '../types/ids.js';
import { JobStatus, isGloballyTerminalJobStatus } from '../types/job-status.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import type { TaskDeploymentDescriptor } from '../types/task-deployment-descriptor.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import { WaitingVertices, type Execution, type ExecutionVertex } from './execution.js';
import { ExecutionDeployer } from './execution-deployer.js';
import type { ExecutionGraph } from './execution-graph.js';
import {
  ExecutionGraphError,
  ExecutionLostError,
  JobExecutionError,
  JobMasterError,
  NoResourceAvailableError,
} from './job-master-errors.js';
import type { AllocatedSlot, SlotPool } from './slot-pool.js';
import { SlotRequestTimeout } from './slot-request-timeout.js';
import { kEnvelopeBytes } from './task-size.js';

const log = getLogger('JobMaster');

export interface SchedulerContext {
  readonly graph: ExecutionGraph;
  readonly slotPool: SlotPool;
  /** Delays (restarts, the termination deadline), running in the JobMaster's main thread. */
  readonly executor: ScheduledExecutor;
  /** Times how long tasks run, which decides how many a slot queues (see SlotPool). */
  readonly clock: Clock;
  readonly rpcTimeoutMs: number;
  /** How long tasks may wait for a slot while the job holds none (slot.request.timeout). */
  readonly slotRequestTimeoutMs: number;
  /** The RpcService's frame limit: a submitTasks message must fit into it. */
  readonly maxFrameBytes: number;
  readonly jobMasterId: JobMasterId;
  runAsync(task: () => void): void;
  /** The job's slot needs may have changed. */
  requirementsChanged(): void;
  /** A TaskExecutor turned out to be gone: let it go with everything it held. */
  taskManagerLost(resourceId: ResourceID, cause: Error): void;
  /** The job reached a globally terminal status. */
  jobEnded(status: JobStatus, error: Error | undefined): void;
}

export class DefaultScheduler {
  private readonly graph: ExecutionGraph;
  private readonly waiting = new WaitingVertices();
  private readonly deployer: ExecutionDeployer;
  /** Why the job is failing or cancelling; the job's error once it ends. */
  private terminationCause: Error | undefined;
  private terminationTimer: ScheduledTask | undefined;
  private readonly slotRequestTimeout: SlotRequestTimeout;
  /** Tasks restarted after a failure or redeployed after a loss while they ran (Flink's numRestarts). */
  private numRestarts = 0;

  constructor(private readonly context: SchedulerContext) {
    this.graph = context.graph;
    this.deployer = new ExecutionDeployer(
      context.jobMasterId,
      context.rpcTimeoutMs,
      context.maxFrameBytes - kEnvelopeBytes,
    );
    this.slotRequestTimeout = new SlotRequestTimeout(context.executor, context.slotRequestTimeoutMs, () =>
      this.slotRequestsTimedOut(),
    );
  }

  getStatus(): JobStatus {
    return this.graph.getStatus();
  }

  /** Slots the job can use now: one per task that is not finished. */
  requiredSlots(): number {
    return this.graph.getStatus() === JobStatus.RUNNING ? this.graph.unfinishedTasks : 0;
  }

  /** RUNNING: every task waits for a slot. */
  startScheduling(): void {
    this.graph.transitionTo(JobStatus.RUNNING);
    for (const vertex of this.graph.vertices) {
      this.graph.emit(vertex, undefined, ExecutionState.CREATED);
      this.waiting.push(vertex);
    }
    this.context.requirementsChanged();
  }

  /** Deploys waiting tasks into free slots, oldest first. */
  scheduleWaitingTasks(): void {
    if (this.graph.getStatus() !== JobStatus.RUNNING) return;
    const slotPool = this.context.slotPool;
    for (;;) {
      // Queue behind a running task only while there is work for every slot (see SlotPool).
      const mayQueue = this.waiting.length >= slotPool.size;
      if (this.waiting.length === 0 || !slotPool.hasRoom(mayQueue)) break;
      const vertex = this.waiting.shift() as ExecutionVertex;
      const execution = this.graph.createExecution(
        vertex,
        (executionId) => slotPool.assignFreeSlot(executionId, mayQueue) as AllocatedSlot,
      );
      this.deploy(execution, execution.slot as AllocatedSlot);
    }
    this.checkSlotRequests();
  }

  /**
   * Starts or stops the slot request timeout: it runs while tasks wait for a
   * slot and the job holds none. Called whenever either may have changed.
   */
  checkSlotRequests(): void {
    this.slotRequestTimeout.update(
      this.graph.getStatus() === JobStatus.RUNNING &&
        this.waiting.length > 0 &&
        this.context.slotPool.size === 0,
    );
  }

  /** A TaskExecutor reports an execution's new state. Throws if the execution is not known here. */
  updateTaskExecutionState(state: TaskExecutionState): void {
    const execution = this.graph.getExecution(state.executionId);
    if (!execution || state.jobId !== this.graph.jobId) {
      throw new ExecutionGraphError(`The execution attempt ${state.executionId} was not found.`);
    }
    switch (state.state) {
      case ExecutionState.RUNNING:
        if (execution.state === ExecutionState.DEPLOYING) {
          execution.state = ExecutionState.RUNNING;
          execution.runningSince = this.context.clock.now();
          this.graph.emitExecution(execution);
        }
        break;
      case ExecutionState.FINISHED:
        this.markFinished(execution, state.result, state.durationMs);
        break;
      case ExecutionState.FAILED:
        this.failExecution(execution, this.errorOf(state, 'failed'));
        break;
      case ExecutionState.CANCELED:
        if (execution.state === ExecutionState.CANCELING) this.markCanceled(execution);
        else this.failExecution(execution, this.errorOf(state, 'was cancelled on its TaskExecutor'));
        break;
      default:
        throw new ExecutionGraphError(`Unexpected state ${state.state} for execution ${state.executionId}.`);
    }
  }

  /** The slot is gone: whatever ran or waited in it failed with `error`. */
  failExecutionsInSlot(slot: AllocatedSlot, error: Error): void {
    for (const executionId of [...slot.executionIds]) {
      const execution = this.graph.getExecution(executionId);
      if (execution) this.failExecution(execution, error);
    }
  }

  /** CANCELLING, then CANCELED once every execution has ended. Only while CREATED or RUNNING. */
  cancel(cause: Error): void {
    this.beginTermination(JobStatus.CANCELLING, cause);
  }

  /** Something the job cannot run without broke: FAILING, then FAILED. */
  failJob(cause: Error): void {
    this.beginTermination(
      JobStatus.FAILING,
      new JobExecutionError(`Job ${this.graph.describe()} failed: ${cause.message}`, { cause }),
    );
  }

  /**
   * The JobMaster stops before the job ended: as Flink's JobMaster on stop, the
   * job is SUSPENDED, not over, and its tasks go. False if the job had ended.
   */
  suspend(): boolean {
    for (const vertex of this.graph.vertices) vertex.restartTimer?.cancel();
    this.terminationTimer?.cancel();
    this.slotRequestTimeout.stop();
    if (isGloballyTerminalJobStatus(this.graph.getStatus())) return false;
    this.graph.transitionTo(JobStatus.SUSPENDED);
    this.waiting.clear();
    for (const execution of this.graph.executionsInFlight()) this.cancelExecution(execution);
    return true;
  }

  /**
   * Mirrors Flink's ExecutionDeploymentReconciler: an execution deployed to
   * `resourceId` that the TaskExecutor does not report is lost; one it reports
   * that is not known here is cancelled with `cancelUnknown`.
   */
  reconcileDeployments(
    resourceId: ResourceID,
    reported: readonly ExecutionAttemptID[],
    cancelUnknown: (executionId: ExecutionAttemptID) => void,
  ): void {
    const reportedIds = new Set(reported);
    for (const execution of this.graph.executionsInFlight()) {
      if (execution.slot?.resourceId !== resourceId || !execution.deployed) continue;
      if (!reportedIds.has(execution.executionId)) {
        this.failExecution(
          execution,
          new ExecutionLostError(
            `Execution ${execution.executionId} is missing on TaskExecutor ${resourceId}.`,
          ),
        );
      }
    }
    for (const executionId of reportedIds) {
      if (!this.graph.getExecution(executionId)) cancelUnknown(executionId);
    }
  }

  // ------------------------------------------------------------------ executions

  getNumberOfRestarts(): number {
    return this.numRestarts;
  }

  private deploy(execution: Execution, slot: AllocatedSlot): void {
    execution.state = ExecutionState.DEPLOYING;
    this.graph.emitExecution(execution);
    const tdd: TaskDeploymentDescriptor = {
      jobId: this.graph.jobId,
      executionId: execution.executionId,
      allocationId: slot.allocationId,
      taskIndex: execution.vertex.taskIndex,
      attemptNumber: execution.attemptNumber,
      invokable: execution.vertex.invokable,
    };
    this.deployer.deploy(slot.resourceId, slot.gateway, tdd, execution.vertex.deploymentBytes, {
      // Set directly (this thread, no mailbox turn): it is only read by heartbeat reconciliation.
      accepted: () => {
        if (this.graph.isInFlight(execution)) execution.deployed = true;
      },
      failed: (error: unknown) =>
        this.context.runAsync(() => {
          if (!this.graph.isInFlight(execution)) return;
          if (error instanceof RecipientUnreachableError) {
            // The TaskExecutor is gone, before the ResourceManager said so: let it go now, or its
            // slots would look free and take (and fail) every task that follows.
            this.context.taskManagerLost(slot.resourceId, error);
            return;
          }
          this.failExecution(
            execution,
            // Not an ExecutionLostError: a refused deployment counts as a failure, or it would be retried forever.
            new JobMasterError(`Could not deploy task ${execution.vertex.taskIndex}: ${messageOf(error)}`, {
              cause: error,
            }),
          );
        }),
    });
  }

  /** `durationMs`: how long it ran, as its TaskExecutor measured; it stands in for a RUNNING that was left out. */
  private markFinished(execution: Execution, result: unknown, durationMs: number | undefined): void {
    if (!this.graph.isInFlight(execution) || isTerminalExecutionState(execution.state)) return;
    if (execution.state === ExecutionState.DEPLOYING) {
      // Listeners still see every task pass through RUNNING.
      this.graph.emit(execution.vertex, execution, ExecutionState.RUNNING);
    }
    const ranForMs = durationMs ?? this.context.clock.now() - execution.runningSince;
    if (!this.retire(execution, ExecutionState.FINISHED, ranForMs)) return;
    const allFinished = this.graph.recordResult(execution, result);
    this.graph.emitExecution(execution);
    if (this.graph.getStatus() === JobStatus.RUNNING) {
      if (allFinished) {
        this.completeJob(JobStatus.FINISHED, undefined);
        return;
      }
      this.scheduleWaitingTasks();
      this.context.requirementsChanged();
    } else {
      this.checkTerminationComplete();
    }
  }

  private failExecution(execution: Execution, error: Error): void {
    const neverRan =
      execution.state === ExecutionState.SCHEDULED || execution.state === ExecutionState.DEPLOYING;
    if (!this.retire(execution, ExecutionState.FAILED)) return;
    const vertex = execution.vertex;
    const running = this.graph.getStatus() === JobStatus.RUNNING;
    // Infrastructure, not the task's code: a task still waiting in a slot that went away only lost its
    // place; one that ran is redeployed for free while its budget lasts, and after that it counts.
    const lost =
      error instanceof ExecutionLostError &&
      (neverRan || !running || vertex.restartStrategy.tryFreeRedeployment());
    this.graph.emitExecution(execution, error, lost);
    if (!running) {
      this.checkTerminationComplete();
      return;
    }
    if (lost) {
      if (!neverRan) this.numRestarts++;
      if (!neverRan) {
        log.info(
          `Task ${vertex.taskIndex} of job ${this.graph.jobId} lost its TaskExecutor or slot while it ran; ` +
            'redeploying it without using a restart attempt.',
          error.message,
        );
      }
      this.requeue(vertex);
      return;
    }
    vertex.restartStrategy.notifyFailure();
    if (!vertex.restartStrategy.canRestart()) {
      const attempts = vertex.restartStrategy.getNumberOfFailures();
      this.beginTermination(
        JobStatus.FAILING,
        new JobExecutionError(
          `Job ${this.graph.describe()} failed: task ${vertex.taskIndex} failed ${attempts} time${attempts === 1 ? '' : 's'} ` +
            `and has no restart attempts left. ${error.name}: ${error.message}`,
          { cause: error },
        ),
      );
      return;
    }
    this.numRestarts++;
    const backoff = vertex.restartStrategy.getBackoffTime();
    log.info(
      `Task ${vertex.taskIndex} of job ${this.graph.jobId} failed; restarting it in ${backoff} ms.`,
      error.message,
    );
    if (backoff === 0) {
      this.requeue(vertex);
      return;
    }
    vertex.restartTimer = this.context.executor.schedule(() => {
      vertex.restartTimer = undefined;
      if (this.graph.getStatus() === JobStatus.RUNNING) this.requeue(vertex);
    }, backoff);
    // Meanwhile the freed slot serves the next waiting task.
    this.scheduleWaitingTasks();
  }

  /** A new attempt of `vertex` waits for a slot, ahead of tasks that never ran: it has waited its turn once. */
  private requeue(vertex: ExecutionVertex): void {
    this.graph.emit(vertex, undefined, ExecutionState.CREATED);
    this.waiting.pushFront(vertex);
    this.scheduleWaitingTasks();
  }

  private markCanceled(execution: Execution): void {
    if (!this.retire(execution, ExecutionState.CANCELED)) return;
    this.graph.emitExecution(execution);
    this.checkTerminationComplete();
  }

  /** Ends an execution's time in flight and gives its slot back; `ranForMs` if it finished. False if it already had. */
  private retire(execution: Execution, state: ExecutionState, ranForMs?: number): boolean {
    if (!this.graph.retire(execution, state)) return false;
    if (execution.slot) {
      this.context.slotPool.releaseAssignment(execution.slot.allocationId, execution.executionId, ranForMs);
    }
    return true;
  }

  private cancelExecution(execution: Execution): void {
    if (isTerminalExecutionState(execution.state) || execution.state === ExecutionState.CANCELING) return;
    execution.state = ExecutionState.CANCELING;
    this.graph.emitExecution(execution);
    const slot = execution.slot;
    if (!slot || !this.context.slotPool.getSlot(slot.allocationId)) {
      this.markCanceled(execution);
      return;
    }
    slot.gateway.cancelTask(execution.executionId, this.context.rpcTimeoutMs).catch((error: unknown) =>
      // Not there (any more) or unreachable: nothing runs that could still report.
      this.context.runAsync(() => {
        log.debug(`Could not cancel execution ${execution.executionId}: ${messageOf(error)}`);
        this.markCanceled(execution);
      }),
    );
  }

  // ------------------------------------------------------------------ job status

  /** FAILING or CANCELLING: cancel everything in flight, then end in FAILED or CANCELED. */
  private beginTermination(status: 'FAILING' | 'CANCELLING', cause: Error): void {
    const current = this.graph.getStatus();
    if (current !== JobStatus.RUNNING && current !== JobStatus.CREATED) return;
    this.terminationCause = cause;
    this.graph.transitionTo(status);
    this.slotRequestTimeout.stop();
    this.cancelTasksWithoutSlot();
    for (const execution of this.graph.executionsInFlight()) this.cancelExecution(execution);
    // A TaskExecutor that never answers must not keep the job from ending.
    this.terminationTimer = this.context.executor.schedule(() => {
      for (const execution of this.graph.executionsInFlight()) this.markCanceled(execution);
    }, this.context.rpcTimeoutMs);
    this.checkTerminationComplete();
  }

  /**
   * The tasks that wait for a slot, or for their restart delay, will not run:
   * they end CANCELED, so that every task reaches a final state its listeners see.
   */
  private cancelTasksWithoutSlot(): void {
    const withoutSlot = new Set(this.waiting.drain());
    for (const vertex of this.graph.vertices) {
      if (!vertex.restartTimer) continue;
      vertex.restartTimer.cancel();
      vertex.restartTimer = undefined;
      withoutSlot.add(vertex);
    }
    for (const vertex of this.graph.vertices) {
      if (withoutSlot.has(vertex)) this.graph.emit(vertex, undefined, ExecutionState.CANCELED);
    }
  }

  /** The job's tasks waited for slot.request.timeout while it held no slot. */
  private slotRequestsTimedOut(): void {
    const waiting = this.waiting.length;
    if (this.graph.getStatus() !== JobStatus.RUNNING || waiting === 0 || this.context.slotPool.size > 0)
      return;
    const timeoutMs = this.slotRequestTimeout.timeoutMs;
    this.beginTermination(
      JobStatus.FAILING,
      new NoResourceAvailableError(
        `Job ${this.graph.describe()} failed: no slots were available for its ${waiting} waiting ` +
          `task${waiting === 1 ? '' : 's'} within the slot request timeout of ${timeoutMs} ms ` +
          '(slot.request.timeout). Are TaskExecutors running and registered at the ResourceManager?',
      ),
    );
  }

  private checkTerminationComplete(): void {
    if (this.graph.numberOfExecutionsInFlight > 0) return;
    const status = this.graph.getStatus();
    if (status === JobStatus.FAILING) this.completeJob(JobStatus.FAILED, this.terminationCause);
    else if (status === JobStatus.CANCELLING) this.completeJob(JobStatus.CANCELED, this.terminationCause);
  }

  private completeJob(status: JobStatus, error: Error | undefined): void {
    this.terminationTimer?.cancel();
    this.terminationTimer = undefined;
    this.slotRequestTimeout.stop();
    this.graph.transitionTo(status);
    log.info(`Job ${this.graph.describe()} reached the final state ${status}.`);
    this.context.jobEnded(status, error);
  }

  private errorOf(state: TaskExecutionState, what: string): Error {
    if (state.error) return SerializedThrowable.deserialize(state.error, `task ${state.executionId}`);
    return new ExecutionGraphError(`Execution ${state.executionId} ${what}.`);
  }
}
