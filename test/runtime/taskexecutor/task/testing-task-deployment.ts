// A TaskExecutor ready to run tasks, for the task tests: registered at a testing
// ResourceManager, with its slots allocated to one job and activated by that
// job's TestingJobMaster, which records every updateTaskExecutionState. Also the
// task modules of test/fixtures/tasks and the shared flags the blocking ones use.

import type { RpcService } from '../../../../src/rpc/rpc-service.js';
import { kRunningReportDelayMs } from '../../../../src/runtime/taskexecutor/task-state-updates.js';
import { isTerminalExecutionState } from '../../../../src/runtime/types/execution-state.js';
import { AllocationID, ExecutionAttemptID, JobID } from '../../../../src/runtime/types/ids.js';
import type {
  TaskDeploymentDescriptor,
  TaskInvokable,
} from '../../../../src/runtime/types/task-deployment-descriptor.js';
import type { TaskExecutionState } from '../../../../src/runtime/types/task-execution-state.js';
import type { TestingJobMaster, TestingJobMasterBehaviour } from '../../../fixtures/testing-job-master.js';
import type { TestingResourceManager } from '../../../fixtures/testing-resource-manager.js';
import { eventually } from '../../../support/eventually.js';
import { TestingTaskExecutorBuilder, type TestingBuilderOptions } from '../testing-task-executor-builder.js';

export const kValuesModule = new URL('../../../fixtures/tasks/values.js', import.meta.url).href;
export const kBlockingModule = new URL('../../../fixtures/tasks/blocking.js', import.meta.url).href;
export const kCrashingModule = new URL('../../../fixtures/tasks/crashing.js', import.meta.url).href;

// Long enough that no real RPC timeout interferes with a test.
export const kRpcTimeoutMs = 60_000;

export function invokable(module: string, exportName: string, ...args: unknown[]): TaskInvokable {
  return { module, exportName, args };
}

export function deploymentOf(
  jobId: JobID,
  allocationId: AllocationID,
  task: TaskInvokable,
  executionId = ExecutionAttemptID.generate(),
): TaskDeploymentDescriptor {
  return { jobId, executionId, allocationId, taskIndex: 0, attemptNumber: 0, invokable: task };
}

export interface TestingTaskDeploymentOptions extends TestingBuilderOptions {
  /** How many of the TaskExecutor's slots the JobMaster holds and has activated. Default: all. */
  activeSlots?: number;
  jobMaster?: Partial<TestingJobMasterBehaviour>;
}

export class TestingTaskDeployment {
  jobId = JobID.generate();
  /** The job's activated allocations, by slot index. */
  allocations: AllocationID[] = [];
  rm!: TestingResourceManager;
  jm!: TestingJobMaster;

  private constructor(readonly h: TestingTaskExecutorBuilder) {}

  static async start(
    rpc: RpcService,
    options: TestingTaskDeploymentOptions = {},
  ): Promise<TestingTaskDeployment> {
    const h = new TestingTaskExecutorBuilder(rpc, {
      numberSlots: 2,
      rpcTimeoutMs: kRpcTimeoutMs,
      ...options,
    });
    const bed = new TestingTaskDeployment(h);
    bed.rm = await h.startRegistered();
    await bed.deployJob(options);
    return bed;
  }

  /**
   * The job ends (its slots are freed) and a new job, with a JobMaster of its
   * own, gets the same slots under new allocations.
   */
  async nextJob(options: TestingTaskDeploymentOptions = {}): Promise<void> {
    for (const allocationId of this.allocations) {
      await this.h.gateway.freeSlot(allocationId, new Error('the job is done'), kRpcTimeoutMs);
    }
    this.jobId = JobID.generate();
    this.allocations = [];
    await this.deployJob(options);
  }

  private async deployJob(options: TestingTaskDeploymentOptions): Promise<void> {
    const h = this.h;
    this.jm = h.startJobMaster(options.jobMaster);
    const slots = options.activeSlots ?? h.configuration.numberSlots;
    for (let index = 0; index < slots; index++) {
      const allocationId = AllocationID.generate();
      this.allocations.push(allocationId);
      await h.requestSlot(this.rm, index, this.jobId, allocationId);
    }
    h.announceJobLeader(this.jobId, this.jm);
    await eventually(() => h.activeAllocationsOf(this.jobId).length === slots, 'the slots active');
  }

  /** Submits `task` into slot `slot` as the job's JobMaster; resolves with its execution id once acknowledged. */
  async submit(task: TaskInvokable, slot = 0): Promise<ExecutionAttemptID> {
    const tdd = deploymentOf(this.jobId, this.allocations[slot]!, task);
    await this.h.gateway.submitTask(tdd, this.jm.getFencingToken(), kRpcTimeoutMs);
    return tdd.executionId;
  }

  /**
   * Lets the TaskExecutor's RUNNING reports go: they wait kRunningReportDelayMs
   * on its (manual) executor, unless the task ends first.
   */
  reportRunning(): void {
    this.h.manual.advance(kRunningReportDelayMs);
  }

  /** Resolves once the JobMaster has heard RUNNING for `executionId`; lets the report go first. */
  async runningOf(executionId: ExecutionAttemptID): Promise<void> {
    this.reportRunning();
    await eventually(
      () => this.statesOf(executionId).some((state) => state.state === 'RUNNING'),
      `RUNNING of ${executionId}`,
    );
  }

  /** Every state the JobMaster has heard of for `executionId`, in order. */
  statesOf(executionId: ExecutionAttemptID): TaskExecutionState[] {
    return this.jm
      .callsOf('updateTaskExecutionState')
      .map(([state]) => state as TaskExecutionState)
      .filter((state) => state.executionId === executionId);
  }

  /** The final state the JobMaster hears for `executionId`, once it has. */
  async finalStateOf(executionId: ExecutionAttemptID): Promise<TaskExecutionState> {
    await eventually(
      () => this.statesOf(executionId).some((state) => isTerminalExecutionState(state.state)),
      `the final state of ${executionId}`,
    );
    return this.statesOf(executionId).find((state) => isTerminalExecutionState(state.state))!;
  }

  /** Submits `task` and resolves with its final state. */
  async run(task: TaskInvokable, slot = 0): Promise<TaskExecutionState> {
    return this.finalStateOf(await this.submit(task, slot));
  }

  /** The final state's result of a task that must FINISH. */
  async resultOf(task: TaskInvokable, slot = 0): Promise<unknown> {
    const state = await this.run(task, slot);
    if (state.state !== 'FINISHED') {
      throw new Error(`The task ended ${state.state}: ${state.error?.message ?? ''}`);
    }
    return state.result;
  }
}

/** The two flags test/fixtures/tasks/blocking.ts spins on: started (set by the task) and released (set here). */
export class SpinFlags {
  readonly buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  private readonly view = new Int32Array(this.buffer);

  /** Resolves once the task's code is running on its worker. */
  untilStarted(): Promise<void> {
    return eventually(() => Atomics.load(this.view, 0) === 1, 'the task to start spinning');
  }

  release(): void {
    Atomics.store(this.view, 1, 1);
  }
}
