// Builds a TaskExecutor for tests, after Flink's TaskExecutorBuilder: settable
// leader retrieval for the ResourceManager and each job, a ManualExecutor for
// every delay and heartbeat, and a recorder of fatal errors.

import type { RpcService } from '../../../src/rpc/rpc-service.js';
import type { RetryingRegistrationConfiguration } from '../../../src/runtime/configuration/retrying-registration-configuration.js';
import type { TaskManagerConfiguration } from '../../../src/runtime/configuration/task-manager-configuration.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { TaskExecutor } from '../../../src/runtime/taskexecutor/task-executor.js';
import { TaskExecutorGateway } from '../../../src/runtime/taskexecutor/task-executor-gateway.js';
import { ResourceID, ResourceManagerId } from '../../../src/runtime/types/ids.js';
import type { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { TestingResourceManager } from '../../fixtures/testing-resource-manager.js';
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

export interface HarnessOptions {
  numberSlots?: number;
  maxRegistrationDurationMs?: number | null;
  slotTimeoutMs?: number;
  rpcTimeoutMs?: number;
  failedRpcRequestsUntilUnreachable?: number;
  totalResourceProfile?: ResourceProfile;
}

export class TaskExecutorHarness {
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
    private readonly options: HarnessOptions = {},
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
}
