// Builds a TaskExecutor for tests, after Flink's TaskExecutorBuilder: settable
// leader retrieval for the ResourceManager and each job, a ManualExecutor for
// every delay and heartbeat, and a recorder of fatal errors. Also the JobMaster
// side's shortcuts: register, request a slot, start and announce a JobMaster,
// answer slot offers by hand, and read which slots are held and active.

import type { RpcService } from '../../../src/rpc/rpc-service.js';
import type { RetryingRegistrationConfiguration } from '../../../src/runtime/configuration/retrying-registration-configuration.js';
import type { TaskManagerConfiguration } from '../../../src/runtime/configuration/task-manager-configuration.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import type { TaskSlotTable } from '../../../src/runtime/taskexecutor/slot/task-slot-table.js';
import { TaskExecutor } from '../../../src/runtime/taskexecutor/task-executor.js';
import type { TaskBlobService } from '../../../src/runtime/taskexecutor/task/task-code.js';
import { TaskExecutorGateway } from '../../../src/runtime/gateways/task-executor-gateway.js';
import type { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import {
  JobMasterId,
  ResourceID,
  ResourceManagerId,
  type AllocationID,
  type JobID,
} from '../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import type { SlotOffer } from '../../../src/runtime/types/slot-offer.js';
import { TestingJobMaster, type TestingJobMasterBehaviour } from '../../fixtures/testing-job-master.js';
import { TestingResourceManager } from '../../fixtures/testing-resource-manager.js';
import { eventually } from '../../support/eventually.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { SettableLeaderRetrievalService } from '../../support/settable-leader-retrieval.js';

export const kHeartbeatInterval = 1000;
export const kHeartbeatTimeout = 5000;
export const kRetry: RetryingRegistrationConfiguration = {
  initialRegistrationTimeoutMs: 100,
  maxRegistrationTimeoutMs: 1000,
  errorDelayMs: 500,
  refusedDelayMs: 700,
};

export interface TestingBuilderOptions {
  numberSlots?: number;
  maxRegistrationDurationMs?: number | null;
  slotTimeoutMs?: number;
  rpcTimeoutMs?: number;
  failedRpcRequestsUntilUnreachable?: number;
  totalResourceProfile?: ResourceProfile;
  blobService?: TaskBlobService;
}

export class TestingTaskExecutorBuilder {
  readonly manual = new ManualExecutor();
  readonly resourceId = ResourceID.of('te-under-test');
  readonly rmLeader = new SettableLeaderRetrievalService();
  readonly jobLeaders = new Map<string, SettableLeaderRetrievalService>();
  readonly fatalErrors: Error[] = [];
  readonly configuration: TaskManagerConfiguration;
  readonly heartbeatServices: HeartbeatServices;
  taskExecutor!: TaskExecutor;
  gateway!: TaskExecutorGateway;

  constructor(
    readonly rpc: RpcService,
    private readonly options: TestingBuilderOptions = {},
  ) {
    this.configuration = {
      numberSlots: options.numberSlots ?? 2,
      slotTimeoutMs: options.slotTimeoutMs ?? 10_000,
      rpcTimeoutMs: options.rpcTimeoutMs ?? 2000,
      maxRegistrationDurationMs:
        options.maxRegistrationDurationMs === undefined ? 300_000 : options.maxRegistrationDurationMs,
      retryingRegistrationConfiguration: kRetry,
    };
    this.heartbeatServices = new HeartbeatServices(
      kHeartbeatInterval,
      kHeartbeatTimeout,
      options.failedRpcRequestsUntilUnreachable ?? 2,
      this.manual,
    );
  }

  jobLeader(jobId: string): SettableLeaderRetrievalService {
    let service = this.jobLeaders.get(jobId);
    if (!service) this.jobLeaders.set(jobId, (service = new SettableLeaderRetrievalService()));
    return service;
  }

  start(): TaskExecutor {
    this.taskExecutor = new TaskExecutor(this.rpc, {
      resourceId: this.resourceId,
      configuration: this.configuration,
      haServices: {
        getResourceManagerLeaderRetriever: () => this.rmLeader,
        getJobManagerLeaderRetriever: (jobId) => this.jobLeader(jobId),
      },
      heartbeatServices: this.heartbeatServices,
      fatalErrorHandler: { onFatalError: (error) => this.fatalErrors.push(error) },
      scheduler: this.manual,
      ...(this.options.blobService ? { blobService: this.options.blobService } : {}),
      ...(this.options.totalResourceProfile
        ? { totalResourceProfile: this.options.totalResourceProfile }
        : {}),
    });
    this.taskExecutor.start();
    this.gateway = this.taskExecutor.getSelfGateway(TaskExecutorGateway);
    return this.taskExecutor;
  }

  /** A started testing ResourceManager, announced as the leader. */
  startResourceManager(
    handlers: ConstructorParameters<typeof TestingResourceManager>[2] = {},
    announce = true,
  ): TestingResourceManager {
    const rm = new TestingResourceManager(this.rpc, ResourceManagerId.generate(), handlers);
    rm.start();
    if (announce) this.rmLeader.notifyListener(rm.getAddress(), rm.getFencingToken());
    return rm;
  }

  /** Starts a testing ResourceManager and the TaskExecutor, and waits until the slot report is in. */
  async startRegistered(
    handlers: ConstructorParameters<typeof TestingResourceManager>[2] = {},
  ): Promise<TestingResourceManager> {
    const rm = this.startResourceManager(handlers);
    this.start();
    await eventually(
      () =>
        this.taskExecutor.isConnectedToResourceManager(rm.getFencingToken()) &&
        rm.callsOf('sendSlotReport').length > 0,
      'the registration at the ResourceManager',
    );
    return rm;
  }

  /** Asks, as the ResourceManager `rm`, for static slot `index` for `jobId`, naming the JobMaster's id if given. */
  requestSlot(
    rm: TestingResourceManager,
    index: number,
    jobId: JobID,
    allocationId: AllocationID,
    targetAddress = 'jobmaster-from-request',
    jobMasterId?: JobMasterId,
  ): Promise<Acknowledge> {
    return this.gateway.requestSlot(
      SlotID.of(this.resourceId, index),
      jobId,
      allocationId,
      ResourceProfile.UNKNOWN,
      targetAddress,
      rm.getFencingToken(),
      this.configuration.rpcTimeoutMs,
      jobMasterId,
    );
  }

  /** A started TestingJobMaster on this thread, with a fresh JobMasterId. */
  startJobMaster(behaviour: Partial<TestingJobMasterBehaviour> = {}): TestingJobMaster {
    const jobMaster = new TestingJobMaster(this.rpc, JobMasterId.generate(), behaviour);
    jobMaster.start();
    return jobMaster;
  }

  /** Announces `leader` (its address and JobMasterId) as the leader of `jobId`; null: the job has no leader. */
  announceJobLeader(
    jobId: JobID,
    leader: { getAddress(): string; getFencingToken(): JobMasterId } | null,
  ): void {
    this.jobLeader(jobId).notifyListener(leader?.getAddress() ?? null, leader?.getFencingToken() ?? null);
  }

  /** Every allocation the TaskExecutor holds for `jobId`, active or not. */
  allocationsOf(jobId: JobID): AllocationID[] {
    return [...this.slotTable().getAllocationIdsPerJob(jobId)];
  }

  /** The allocations of `jobId` whose slots a JobMaster has activated. */
  activeAllocationsOf(jobId: JobID): AllocationID[] {
    return [...this.slotTable().getActiveTaskSlotAllocationIdsPerJob(jobId)];
  }

  // Flink's tests hand the TaskExecutor a TaskSlotTable and read it back (ThreadSafeTaskSlotTable);
  // ours builds its own, so the builder reads that one. Read-only, and on the TaskExecutor's thread.
  private slotTable(): TaskSlotTable {
    return (this.taskExecutor as unknown as { readonly taskSlotTable: TaskSlotTable }).taskSlotTable;
  }
}

/** One offerSlots call, waiting for the test's answer. */
export interface PendingSlotOffer {
  readonly offers: readonly SlotOffer[];
  /** The offered allocations, in offer order. */
  readonly allocationIds: readonly AllocationID[];
  accept(accepted: readonly SlotOffer[]): void;
  fail(error: Error): void;
}

/**
 * An offerSlots handler for a TestingJobMaster that answers only when the test
 * says, after Flink's offerSlotsFunction returning an uncompleted future.
 */
export class ManualSlotOffers {
  readonly calls: PendingSlotOffer[] = [];

  readonly offerSlots = (_resourceId: ResourceID, offers: readonly SlotOffer[]): Promise<SlotOffer[]> =>
    new Promise<SlotOffer[]>((resolve, reject) => {
      this.calls.push({
        offers,
        allocationIds: offers.map((offer) => offer.allocationId),
        accept: (accepted) => resolve([...accepted]),
        fail: reject,
      });
    });

  /** The `n`-th offer (1-based), once it has arrived. */
  async nth(n: number): Promise<PendingSlotOffer> {
    await eventually(() => this.calls.length >= n, `slot offer #${n}`);
    return this.calls[n - 1]!;
  }
}
