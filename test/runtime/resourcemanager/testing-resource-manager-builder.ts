// Shared set-up for ResourceManager tests, after Flink's ResourceManagerTest,
// ResourceManagerTaskExecutorTest and ResourceManagerJobMasterTest fixtures: a
// ResourceManager whose heartbeats are driven by a ManualExecutor, TaskExecutor
// and JobMaster doubles on either path, and the registrations, slot reports and
// requirements they send.

import type { WorkerHandle } from '../../../src/rpc/worker-handle.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { ResourceManager } from '../../../src/runtime/resourcemanager/resource-manager.js';
import { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import type { ResourceManagerOptions } from '../../../src/runtime/resourcemanager/resource-manager-options.js';
import {
  AllocationID,
  JobID,
  JobMasterId,
  ResourceID,
  ResourceManagerId,
  type InstanceID,
} from '../../../src/runtime/types/ids.js';
import type { JobMasterRegistrationResponse } from '../../../src/runtime/types/registration-response.js';
import {
  ResourceRequirements,
  type ResourceRequirement,
} from '../../../src/runtime/types/resource-requirements.js';
import {
  generateDefaultSlotResourceProfile,
  ResourceProfile,
} from '../../../src/runtime/types/resource-profile.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import type { SlotReport, SlotStatus } from '../../../src/runtime/types/slot-report.js';
import type { TaskExecutorRegistration } from '../../../src/runtime/types/task-executor-registration.js';
import {
  TestingTaskExecutor,
  TestingTaskExecutorControl,
  type HeartbeatAnswer,
  type TaskExecutorHandlers,
} from '../../fixtures/testing-task-executor.js';
import {
  TestingJobMaster,
  TestingJobMasterProbe,
  type JobMasterMethod,
  type RecordedJobMasterCall,
  type TestingJobMasterBehaviour,
} from '../../fixtures/testing-job-master.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import type { Path } from '../../support/paths.js';

export const kHeartbeatInterval = 10;
export const kHeartbeatTimeout = 50;
export const kFailedRpcsUntilUnreachable = 2;
export const kTimeoutMs = 5_000;

export const kTestingTaskExecutorModule = new URL('../../fixtures/testing-task-executor.js', import.meta.url);

/** Collects values and lets a test wait until it has `count` of them. */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: { count: number; resolve: (items: T[]) => void }[] = [];

  add(item: T): void {
    this.items.push(item);
    const ready = this.waiters.filter((w) => this.items.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.items.length < w.count);
    for (const waiter of ready) waiter.resolve(this.items.slice(0, waiter.count));
  }

  until(count: number): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items.slice(0, count));
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

export interface StoppedWorker {
  readonly resourceId: ResourceID;
  readonly cause: Error;
}

export interface ResourceManagerUnderTest {
  readonly rm: ResourceManager;
  readonly rmId: ResourceManagerId;
  readonly resourceId: ResourceID;
  readonly gateway: ResourceManagerGateway;
  readonly manual: ManualExecutor;
  readonly stoppedWorkers: Recorder<StoppedWorker>;
  /** Resolves once the ResourceManager has handled everything sent to it before. */
  flush(): Promise<void>;
  /** Moves the heartbeat clock forward and lets the ResourceManager handle the timers that fired. */
  tick(ms: number): Promise<void>;
}

export async function startResourceManager(
  rpc: RpcService,
  options: Partial<ResourceManagerOptions> = {},
): Promise<ResourceManagerUnderTest> {
  const manual = new ManualExecutor();
  const rmId = ResourceManagerId.generate();
  const resourceId = ResourceID.of('resourcemanager');
  const stoppedWorkers = new Recorder<StoppedWorker>();
  const rm = new ResourceManager(rpc, rmId, {
    resourceId,
    heartbeatServices: new HeartbeatServices(
      kHeartbeatInterval,
      kHeartbeatTimeout,
      kFailedRpcsUntilUnreachable,
      manual,
    ),
    scheduledExecutor: manual,
    stopWorker: (stopped, cause) => stoppedWorkers.add({ resourceId: stopped, cause }),
    ...options,
  });
  rm.start();
  const gateway = await rpc.connectFenced(rm.getAddress(), rmId, ResourceManagerGateway);
  const flush = async () => {
    await gateway.getNumberOfRegisteredTaskManagers();
  };
  return {
    rm,
    rmId,
    resourceId,
    gateway,
    manual,
    stoppedWorkers,
    flush,
    tick: async (ms) => {
      manual.advance(ms);
      await flush();
    },
  };
}

export interface TaskExecutorUnderTest {
  readonly address: string;
  readonly resourceId: ResourceID;
  readonly control: TestingTaskExecutorControl;
  /** The endpoint, on the same thread. */
  readonly local: TestingTaskExecutor | undefined;
  /** Its worker, across threads. */
  readonly worker: WorkerHandle | undefined;
}

/** A TestingTaskExecutor on the test's thread or in a worker; handlers only on the same thread. */
export async function startTaskExecutor(
  rpc: RpcService,
  path: Path,
  handlers: Partial<TaskExecutorHandlers> = {},
): Promise<TaskExecutorUnderTest> {
  const resourceId = ResourceID.generate();
  let local: TestingTaskExecutor | undefined;
  let worker: WorkerHandle | undefined;
  let address: string;
  if (path === 'same thread') {
    local = new TestingTaskExecutor(rpc, handlers);
    local.start();
    address = local.getAddress();
  } else {
    if (Object.keys(handlers).length > 0) throw new Error('Handlers only work on the same thread.');
    worker = await rpc.spawnWorker(kTestingTaskExecutorModule, { workerData: {} });
    address = worker.result as string;
  }
  const control = await rpc.connect(address, TestingTaskExecutorControl);
  return { address, resourceId, control, local, worker };
}

/** The TaskExecutor answers heartbeats to this ResourceManager with `slotReport`. */
export function heartbeatAnswer(
  resourceManager: ResourceManagerUnderTest,
  taskExecutor: TaskExecutorUnderTest,
  slotReport: SlotReport,
): HeartbeatAnswer {
  return {
    resourceManagerAddress: resourceManager.rm.getAddress(),
    resourceManagerId: resourceManager.rmId,
    resourceId: taskExecutor.resourceId,
    slotReport,
  };
}

export function registrationOf(
  taskExecutor: Pick<TaskExecutorUnderTest, 'address' | 'resourceId'>,
  numberOfSlots = 2,
): TaskExecutorRegistration {
  const totalResourceProfile = ResourceProfile.of({
    cpuCores: numberOfSlots,
    taskHeapMemoryMB: 256 * numberOfSlots,
  });
  return {
    taskExecutorAddress: taskExecutor.address,
    resourceId: taskExecutor.resourceId,
    dataPort: 1234,
    totalResourceProfile,
    defaultSlotResourceProfile: generateDefaultSlotResourceProfile(totalResourceProfile, numberOfSlots),
  };
}

/** `numberOfSlots` slots, those with an index in `allocated` held by a fresh allocation. */
export function slotReportOf(
  resourceId: ResourceID,
  numberOfSlots: number,
  allocated: number[] = [],
): SlotReport {
  const jobId = JobID.generate();
  const slots: SlotStatus[] = Array.from({ length: numberOfSlots }, (_, index) => {
    const slotId = SlotID.of(resourceId, index);
    const resourceProfile = ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 256 });
    return allocated.includes(index)
      ? { slotId, resourceProfile, allocationId: AllocationID.generate(), jobId }
      : { slotId, resourceProfile };
  });
  return { slots };
}

/** Registers the TaskExecutor and sends its slot report; returns the InstanceID. */
export async function registerWithSlots(
  resourceManager: ResourceManagerUnderTest,
  taskExecutor: TaskExecutorUnderTest,
  slotReport: SlotReport = slotReportOf(taskExecutor.resourceId, 2),
): Promise<InstanceID> {
  const response = await resourceManager.gateway.registerTaskExecutor(
    registrationOf(taskExecutor, slotReport.slots.length),
    kTimeoutMs,
  );
  if (response.kind !== 'success') throw new Error(`Registration failed: ${JSON.stringify(response)}`);
  await resourceManager.gateway.sendSlotReport(
    taskExecutor.resourceId,
    response.registrationId,
    slotReport,
    kTimeoutMs,
  );
  return response.registrationId;
}

/**
 * Holds the first connect of `rpc` until release(), like Flink's TestingRpcService
 * with a delayed gateway future. Later connects go straight through.
 */
export function holdFirstConnect(rpc: RpcService): { release(): void; restore(): void } {
  const original = rpc.connect.bind(rpc) as RpcService['connect'];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const connect: RpcService['connect'] = (address, gateway) => {
    if (held) return original(address, gateway);
    held = true;
    return gate.then(() => original(address, gateway));
  };
  rpc.connect = connect;
  return {
    release,
    restore: () => {
      delete (rpc as Partial<Pick<RpcService, 'connect'>>).connect;
    },
  };
}

/** Holds every connect until the test releases it by its index, in any order. */
export function holdEveryConnect(rpc: RpcService): {
  release(index: number): void;
  pending(): number;
  restore(): void;
} {
  const original = rpc.connect.bind(rpc) as RpcService['connect'];
  const gates: (() => void)[] = [];
  const connect: RpcService['connect'] = (address, gateway) => {
    const gate = new Promise<void>((resolve) => gates.push(resolve));
    return gate.then(() => original(address, gateway));
  };
  rpc.connect = connect;
  return {
    release: (index) => {
      const open = gates[index];
      if (!open) throw new Error(`No connect ${index} is held (${gates.length} so far).`);
      open();
    },
    pending: () => gates.length,
    restore: () => {
      delete (rpc as Partial<Pick<RpcService, 'connect'>>).connect;
    },
  };
}

/** As holdFirstConnect, for connectFenced: the ResourceManager connects back to JobMasters with it. */
export function holdFirstFencedConnect(rpc: RpcService): { release(): void; restore(): void } {
  const original = rpc.connectFenced.bind(rpc) as RpcService['connectFenced'];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const connectFenced: RpcService['connectFenced'] = (address, token, gateway) => {
    if (held) return original(address, token, gateway);
    held = true;
    return gate.then(() => original(address, token, gateway));
  };
  rpc.connectFenced = connectFenced;
  return {
    release,
    restore: () => {
      delete (rpc as Partial<Pick<RpcService, 'connectFenced'>>).connectFenced;
    },
  };
}

// ---- JobMasters ------------------------------------------------------------------------

export const kTestingJobMasterModule = new URL('../../fixtures/testing-job-master.js', import.meta.url);

export interface JobMasterUnderTest {
  readonly address: string;
  readonly jobId: JobID;
  readonly jobMasterId: JobMasterId;
  readonly resourceId: ResourceID;
  /** The endpoint, on the same thread. */
  readonly local: TestingJobMaster | undefined;
  /** Its worker, across threads. */
  readonly worker: WorkerHandle | undefined;
  /**
   * The calls it has received so far, read through its mailbox on either path.
   * Across threads an Error argument keeps only its `code` (see errorCodeOf).
   */
  calls(): Promise<RecordedJobMasterCall[]>;
  /** The arguments of every call of `method` so far. */
  callsOf(method: JobMasterMethod): Promise<(readonly unknown[])[]>;
  /** Ends the JobMaster: closes the endpoint, or kills its worker. */
  stop(): Promise<void>;
}

/** A TestingJobMaster on the test's thread or in a worker; a behaviour only on the same thread. */
export async function startJobMaster(
  rpc: RpcService,
  path: Path,
  options: {
    readonly jobId?: JobID;
    readonly jobMasterId?: JobMasterId;
    readonly behaviour?: Partial<TestingJobMasterBehaviour>;
  } = {},
): Promise<JobMasterUnderTest> {
  const jobId = options.jobId ?? JobID.generate();
  const jobMasterId = options.jobMasterId ?? JobMasterId.generate();
  const resourceId = ResourceID.generate();
  let local: TestingJobMaster | undefined;
  let worker: WorkerHandle | undefined;
  let address: string;
  if (path === 'same thread') {
    local = new TestingJobMaster(rpc, jobMasterId, options.behaviour);
    local.start();
    address = local.getAddress();
  } else {
    if (options.behaviour) throw new Error('A behaviour only works on the same thread.');
    worker = await rpc.spawnWorker(kTestingJobMasterModule, { workerData: { jobMasterId } });
    address = worker.result as string;
  }
  // Through the JobMaster's mailbox on both paths, so calls sent before are counted.
  const probe = await rpc.connectFenced(address, jobMasterId, TestingJobMasterProbe);
  const calls = async () => {
    const recorded = await probe.recordedCalls();
    // On the same thread, the calls themselves, with their errors' classes.
    return local ? [...local.calls] : recorded;
  };
  return {
    address,
    jobId,
    jobMasterId,
    resourceId,
    local,
    worker,
    calls,
    callsOf: async (method) =>
      (await calls()).filter((call) => call.method === method).map((call) => call.args),
    stop: async () => {
      if (worker) await worker.kill();
      else await local!.closeAsync();
    },
  };
}

export function registerJobMaster(
  resourceManager: ResourceManagerUnderTest,
  jobMaster: JobMasterUnderTest,
): Promise<JobMasterRegistrationResponse> {
  return resourceManager.gateway.registerJobMaster(
    jobMaster.jobMasterId,
    jobMaster.resourceId,
    jobMaster.address,
    jobMaster.jobId,
    kTimeoutMs,
  );
}

/** `slots` slots of `resourceProfile` (default UNKNOWN) for the JobMaster's job, at its address. */
export function requirementsOf(
  jobMaster: Pick<JobMasterUnderTest, 'jobId' | 'address'>,
  slots: number,
  resourceProfile: ResourceProfile = ResourceProfile.UNKNOWN,
): ResourceRequirements {
  const requirements: ResourceRequirement[] = [{ resourceProfile, numberOfRequiredSlots: slots }];
  return ResourceRequirements.create(jobMaster.jobId, jobMaster.address, requirements);
}

/**
 * The `code` of an Error argument a JobMaster recorded. It is what survives the
 * probe from a worker: the error arrives there rebuilt by the codec, and the
 * probe's structured clone keeps its enumerable fields only.
 */
export function errorCodeOf(value: unknown): string | undefined {
  return (value as { code?: string } | undefined)?.code;
}
