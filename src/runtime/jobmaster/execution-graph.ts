// The state of one job run: its vertices (one per task), the executions in
// flight, the results of finished tasks, and the job status, with every change
// told to the listener. Mirrors Flink's ExecutionGraph (DefaultExecutionGraph),
// for a job of independent tasks; the DefaultScheduler decides what changes.

import { getLogger } from '../../actor/logger.js';
import { ExecutionState, isTerminalExecutionState } from '../types/execution-state.js';
import { ExecutionAttemptID } from '../types/ids.js';
import { JobStatus } from '../types/job-status.js';
import type { Execution, ExecutionVertex } from './execution.js';
import type { JobGraph } from '../types/job-graph.js';
import type { JobResult } from '../types/job-result.js';
import type { JobMasterListener } from './job-master-listener.js';
import { FixedDelayRestartBackoffTimeStrategy } from './restart-strategy.js';
import type { AllocatedSlot } from './slot-pool.js';
import { deploymentBytes } from './task-size.js';

const log = getLogger('JobMaster');

export class ExecutionGraph {
  readonly vertices: readonly ExecutionVertex[];
  /** The executions in flight (not terminal), by id. */
  private readonly executions = new Map<ExecutionAttemptID, Execution>();
  private readonly results: unknown[];
  private finishedTasks = 0;
  private status: JobStatus = JobStatus.CREATED;

  constructor(
    readonly jobGraph: JobGraph,
    /** Makes execution ids unique per JobMaster (leader session). */
    private readonly executionIdPrefix: string,
    private readonly listener: JobMasterListener | undefined,
    /** Free redeployments per task after a lost TaskExecutor, unless the job sets its own. */
    lostTaskExecutorRedeployments = 0,
  ) {
    this.vertices = jobGraph.tasks.map((invokable, taskIndex) => ({
      taskIndex,
      invokable,
      restartStrategy: new FixedDelayRestartBackoffTimeStrategy(
        jobGraph.restartStrategy,
        lostTaskExecutorRedeployments,
      ),
      deploymentBytes: deploymentBytes(invokable),
      current: undefined,
      nextAttemptNumber: 0,
      restartTimer: undefined,
    }));
    this.results = new Array<unknown>(this.vertices.length);
  }

  get jobId() {
    return this.jobGraph.jobId;
  }

  /** `'name' (jobId)`, for messages. */
  describe(): string {
    return `'${this.jobGraph.name}' (${this.jobId})`;
  }

  getStatus(): JobStatus {
    return this.status;
  }

  transitionTo(status: JobStatus): void {
    if (this.status === status) return;
    this.status = status;
    try {
      this.listener?.onJobStatusChange?.(status);
    } catch (error) {
      log.warn('A job status listener failed.', error);
    }
  }

  /** Tasks that are not finished; the job can use one slot for each. */
  get unfinishedTasks(): number {
    return this.vertices.length - this.finishedTasks;
  }

  /** A new attempt of `vertex`, SCHEDULED in the slot `assignSlot` gives its id, and in flight. */
  createExecution(
    vertex: ExecutionVertex,
    assignSlot: (executionId: ExecutionAttemptID) => AllocatedSlot,
  ): Execution {
    const attemptNumber = vertex.nextAttemptNumber++;
    const executionId = this.executionIdOf(vertex, attemptNumber);
    const execution: Execution = {
      executionId,
      vertex,
      attemptNumber,
      state: ExecutionState.SCHEDULED,
      slot: assignSlot(executionId),
      deployed: false,
      runningSince: 0,
    };
    vertex.current = execution;
    this.executions.set(execution.executionId, execution);
    this.emitExecution(execution);
    return execution;
  }

  getExecution(executionId: ExecutionAttemptID): Execution | undefined {
    return this.executions.get(executionId);
  }

  /** Whether `execution` is still in flight as the attempt this graph knows by its id. */
  isInFlight(execution: Execution): boolean {
    return this.executions.get(execution.executionId) === execution;
  }

  /** A copy of the executions in flight, safe to change the graph while iterating. */
  executionsInFlight(): Execution[] {
    return [...this.executions.values()];
  }

  get numberOfExecutionsInFlight(): number {
    return this.executions.size;
  }

  /** Ends an execution's time in flight in `state`. False if it already had. */
  retire(execution: Execution, state: ExecutionState): boolean {
    if (isTerminalExecutionState(execution.state) || !this.isInFlight(execution)) return false;
    execution.state = state;
    this.executions.delete(execution.executionId);
    execution.vertex.current = undefined;
    return true;
  }

  /** Records a finished task's return value; true once every task has finished. */
  recordResult(execution: Execution, result: unknown): boolean {
    this.results[execution.vertex.taskIndex] = result;
    this.finishedTasks++;
    return this.finishedTasks === this.vertices.length;
  }

  jobResult(status: JobStatus, error: Error | undefined): JobResult {
    return status === JobStatus.FINISHED
      ? { jobId: this.jobId, status, results: this.results }
      : { jobId: this.jobId, status, ...(error ? { error } : {}) };
  }

  emitExecution(execution: Execution, error?: Error, lost = false): void {
    this.emit(execution.vertex, execution, execution.state, error, lost);
  }

  /** Tells the listener that `vertex` (its attempt `execution`, if any) is now in `state`. */
  emit(
    vertex: ExecutionVertex,
    execution: Execution | undefined,
    state: ExecutionState,
    error?: Error,
    lost = false,
  ): void {
    const listener = this.listener?.onTaskStateChange;
    if (!listener) return;
    try {
      listener({
        jobId: this.jobId,
        taskIndex: vertex.taskIndex,
        attemptNumber: execution?.attemptNumber ?? vertex.nextAttemptNumber,
        executionId: execution?.executionId ?? this.executionIdOf(vertex, vertex.nextAttemptNumber),
        state,
        resourceId: execution?.slot?.resourceId,
        ...(error ? { error } : {}),
        ...(lost ? { lost } : {}),
      });
    } catch (listenerError) {
      log.warn('A task state listener failed.', listenerError);
    }
  }

  private executionIdOf(vertex: ExecutionVertex, attemptNumber: number): ExecutionAttemptID {
    return ExecutionAttemptID.of(`${this.executionIdPrefix}${vertex.taskIndex}_${attemptNumber}`);
  }
}
