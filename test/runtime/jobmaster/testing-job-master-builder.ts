// Builds a JobMaster for tests, after Flink's JobMasterBuilder: a job of N
// independent tasks, a settable ResourceManager leader, a ManualExecutor for
// heartbeats, restart delays and registration retries, and a listener that
// records every task and job state. The test drives the JobMaster through its
// fenced gateway, as a TaskExecutor would.

import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { JobMasterConfiguration } from '../../../src/runtime/configuration/job-master-configuration.js';
import type { RetryingRegistrationConfiguration } from '../../../src/runtime/configuration/retrying-registration-configuration.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { createJobGraph, type JobSpec, type TaskSpec } from '../../../src/runtime/jobmaster/job-graph.js';
import type { JobGraph } from '../../../src/runtime/types/job-graph.js';
import { JobMasterGateway } from '../../../src/runtime/gateways/job-master-gateway.js';
import { JobMaster } from '../../../src/runtime/jobmaster/job-master.js';
import { type TaskStateChange } from '../../../src/runtime/types/job-result.js';
import type { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import type { ExecutionState } from '../../../src/runtime/types/execution-state.js';
import {
  AllocationID,
  JobID,
  type ExecutionAttemptID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
} from '../../../src/runtime/types/ids.js';
import type { JobStatus } from '../../../src/runtime/types/job-status.js';
import type { JMTMRegistrationResponse } from '../../../src/runtime/types/registration-response.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { SerializedThrowable } from '../../../src/runtime/types/serialized-throwable.js';
import type { SlotOffer } from '../../../src/runtime/types/slot-offer.js';
import type { TaskDeploymentDescriptor } from '../../../src/runtime/types/task-deployment-descriptor.js';
import {
  TestingTaskExecutor,
  TestingTaskExecutorControl,
  type TaskExecutorHandlers,
  type TaskExecutorMethod,
} from '../../fixtures/testing-task-executor.js';
import { eventually } from '../../support/eventually.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import type { Path } from '../../support/paths.js';
import { SettableLeaderRetrievalService } from '../../support/settable-leader-retrieval.js';
import { RecordingResourceManager } from './recording-resource-manager.js';

export const kHeartbeatInterval = 1000;
export const kHeartbeatTimeout = 5000;
/** Long, so that no real ask timeout interferes; the JobMaster's own delays run on the ManualExecutor. */
export const kRpcTimeoutMs = 30_000;
export const kRetry: RetryingRegistrationConfiguration = {
  initialRegistrationTimeoutMs: 100,
  maxRegistrationTimeoutMs: 1000,
  errorDelayMs: 500,
  refusedDelayMs: 700,
};

export interface TestingBuilderOptions {
  /** Number of tasks of the job; task i is called with argument i. Default 1. */
  readonly tasks?: number;
  /** The tasks themselves, instead of `tasks`. */
  readonly taskSpecs?: readonly TaskSpec[];
  readonly restart?: JobSpec['restart'];
  readonly rpcTimeoutMs?: number;
  /** slot.request.timeout and the default free redeployments; Flink's and threadlink's defaults otherwise. */
  readonly jobMasterConfiguration?: Partial<JobMasterConfiguration>;
}

/** A TaskExecutor double and the identity it registers with. */
export interface RegisteredTaskExecutor {
  readonly taskExecutor: TestingTaskExecutor;
  readonly resourceId: ResourceID;
  /** The offers the JobMaster accepted. */
  readonly accepted: SlotOffer[];
}

export class TestingJobMasterBuilder {
  readonly manual = new ManualExecutor();
  readonly rmLeader = new SettableLeaderRetrievalService();
  readonly heartbeatServices: HeartbeatServices;
  readonly jobGraph: JobGraph;
  readonly jobMasterId = JobMasterId.generate();
  readonly resourceId = ResourceID.of('jobmaster-under-test');
  readonly rpcTimeoutMs: number;
  readonly jobMasterConfiguration: JobMasterConfiguration;
  readonly taskChanges: TaskStateChange[] = [];
  readonly jobStatuses: JobStatus[] = [];
  jobMaster!: JobMaster;
  gateway!: JobMasterGateway;
  private nextTaskExecutor = 0;

  constructor(
    readonly rpc: RpcService,
    options: TestingBuilderOptions = {},
  ) {
    this.rpcTimeoutMs = options.rpcTimeoutMs ?? kRpcTimeoutMs;
    this.jobMasterConfiguration = { ...JobMasterConfiguration.defaults(), ...options.jobMasterConfiguration };
    this.heartbeatServices = new HeartbeatServices(kHeartbeatInterval, kHeartbeatTimeout, 2, this.manual);
    const tasks =
      options.taskSpecs ??
      Array.from({ length: options.tasks ?? 1 }, (_, i) => ({
        module: 'file:///tasks/task.js',
        args: [i],
      }));
    this.jobGraph = createJobGraph(
      { name: 'jobmaster-test', tasks, ...(options.restart ? { restart: options.restart } : {}) },
      JobID.generate(),
    );
  }

  get jobId(): JobID {
    return this.jobGraph.jobId;
  }

  /** A JobMaster for this job, not started; the leadership runner tests create one per session. */
  createJobMaster(jobMasterId: JobMasterId = this.jobMasterId): JobMaster {
    return new JobMaster(this.rpc, jobMasterId, {
      jobGraph: this.jobGraph,
      heartbeatServices: this.heartbeatServices,
      haServices: { getResourceManagerLeaderRetriever: () => this.rmLeader },
      rpcTimeoutMs: this.rpcTimeoutMs,
      retryingRegistrationConfiguration: kRetry,
      jobMasterConfiguration: this.jobMasterConfiguration,
      resourceId: this.resourceId,
      scheduler: this.manual,
      listener: {
        onTaskStateChange: (change) => this.taskChanges.push(change),
        onJobStatusChange: (status) => this.jobStatuses.push(status),
      },
    });
  }

  /** Starts the JobMaster and connects to it as a TaskExecutor would. */
  async start(): Promise<JobMasterGateway> {
    this.jobMaster = this.createJobMaster();
    this.jobMaster.start();
    this.gateway = await this.rpc.connectFenced(
      this.jobMaster.getAddress(),
      this.jobMasterId,
      JobMasterGateway,
    );
    return this.gateway;
  }

  /** A started TaskExecutor double on this thread. */
  startTaskExecutor(behaviour: Partial<TaskExecutorHandlers> = {}): TestingTaskExecutor {
    const taskExecutor = new TestingTaskExecutor(this.rpc, behaviour);
    taskExecutor.start();
    return taskExecutor;
  }

  register(
    address: string,
    resourceId: ResourceID,
    taskManagerSession = 'session-1',
    jobId: JobID = this.jobId,
  ): Promise<JMTMRegistrationResponse> {
    return this.gateway.registerTaskManager(
      jobId,
      { taskManagerRpcAddress: address, resourceId, taskManagerSession },
      this.rpcTimeoutMs,
    );
  }

  /** Starts a TaskExecutor double, registers it and offers `slots` fresh slots. */
  async registerTaskExecutor(
    slots: number,
    behaviour: Partial<TaskExecutorHandlers> = {},
  ): Promise<RegisteredTaskExecutor> {
    const taskExecutor = this.startTaskExecutor(behaviour);
    const resourceId = ResourceID.of(`te-${this.nextTaskExecutor++}`);
    const response = await this.register(taskExecutor.getAddress(), resourceId);
    if (response.kind !== 'success') throw new Error(`Registration failed: ${JSON.stringify(response)}`);
    const accepted = slots > 0 ? await this.offer(resourceId, slotOffers(slots)) : [];
    return { taskExecutor, resourceId, accepted };
  }

  offer(resourceId: ResourceID, offers: readonly SlotOffer[]): Promise<SlotOffer[]> {
    return this.gateway.offerSlots(resourceId, offers, this.rpcTimeoutMs);
  }

  /** Waits until `taskExecutor` got `count` submitTask calls; returns their deployment descriptors. */
  async awaitSubmissions(
    taskExecutor: TestingTaskExecutor,
    count: number,
  ): Promise<TaskDeploymentDescriptor[]> {
    await eventually(() => callsOf(taskExecutor, 'submitTask').length >= count, `${count} submitTask calls`);
    return submissionsTo(taskExecutor);
  }

  /** Reports a state of the execution of `tdd`, as its TaskExecutor would. */
  report(
    tdd: TaskDeploymentDescriptor,
    state: ExecutionState,
    extras: { result?: unknown; error?: Error } = {},
  ): Promise<Acknowledge> {
    return this.gateway.updateTaskExecutionState({
      jobId: tdd.jobId,
      executionId: tdd.executionId,
      state,
      ...(extras.result === undefined ? {} : { result: extras.result }),
      ...(extras.error ? { error: SerializedThrowable.of(extras.error) } : {}),
    });
  }

  /** RUNNING, then FINISHED with `result`. */
  async finish(tdd: TaskDeploymentDescriptor, result: unknown): Promise<void> {
    await this.report(tdd, 'RUNNING');
    await this.report(tdd, 'FINISHED', { result });
  }

  /**
   * Moves time on by `ms`, a heartbeat interval at a time, answering for the
   * TaskExecutor `resourceId` with `deployed` on the way, so that only the
   * behaviour under test (not a heartbeat timeout) decides what happens.
   */
  async advanceWithHeartbeats(
    resourceId: ResourceID,
    deployed: readonly ExecutionAttemptID[],
    ms: number,
  ): Promise<void> {
    for (let passed = 0; passed < ms; passed += kHeartbeatInterval) {
      this.manual.advance(Math.min(kHeartbeatInterval, ms - passed));
      await this.gateway.heartbeatFromTaskManager(resourceId, { executionDeploymentReport: deployed });
    }
  }

  /** A started ResourceManager double, announced as the leader. */
  startResourceManager(announce = true): RecordingResourceManager {
    const rm = new RecordingResourceManager(this.rpc, ResourceManagerId.generate());
    rm.start();
    if (announce) this.rmLeader.notifyListener(rm.getAddress(), rm.getFencingToken());
    return rm;
  }

  /** The states task `taskIndex` went through, in order. */
  statesOf(taskIndex: number): ExecutionState[] {
    return this.taskChanges.filter((c) => c.taskIndex === taskIndex).map((c) => c.state);
  }
}

/** `count` slot offers with fresh allocation ids and slot indexes 0.. */
export function slotOffers(count: number, firstIndex = 0): SlotOffer[] {
  return Array.from({ length: count }, (_, i) => ({
    allocationId: AllocationID.generate(),
    slotIndex: firstIndex + i,
    resourceProfile: ResourceProfile.ANY,
  }));
}

/** The arguments of every call of `method` the double received. */
export function callsOf(
  taskExecutor: TestingTaskExecutor,
  method: TaskExecutorMethod,
): (readonly unknown[])[] {
  return taskExecutor.calls.filter((call) => call.method === method).map((call) => call.args);
}

export function submissionsTo(taskExecutor: TestingTaskExecutor): TaskDeploymentDescriptor[] {
  return callsOf(taskExecutor, 'submitTask').map((args) => args[0] as TaskDeploymentDescriptor);
}

export const kTestingTaskExecutorModule = new URL('../../fixtures/testing-task-executor.js', import.meta.url);

/** A TaskExecutor double on the test's thread or in a worker, read through its control gateway on both paths. */
export interface TaskExecutorOnPath {
  readonly address: string;
  readonly control: TestingTaskExecutorControl;
}

export async function startTaskExecutorOn(rpc: RpcService, path: Path): Promise<TaskExecutorOnPath> {
  let address: string;
  if (path === 'same thread') {
    const local = new TestingTaskExecutor(rpc);
    local.start();
    address = local.getAddress();
  } else {
    const worker = await rpc.spawnWorker(kTestingTaskExecutorModule, { workerData: {} });
    address = worker.result as string;
  }
  return { address, control: await rpc.connect(address, TestingTaskExecutorControl) };
}
