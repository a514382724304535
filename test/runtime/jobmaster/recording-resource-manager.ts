// A ResourceManager double for JobMaster tests, after Flink's
// TestingResourceManagerGateway with its registerJobManager function: a fenced
// endpoint serving ResourceManagerGateway that records the JobMaster-facing calls
// (registerJobMaster, declareRequiredResources, heartbeatFromJobManager,
// disconnectJobManager) and accepts every JobMaster. The TaskExecutor-facing
// calls are not part of these tests and answer with neutral values.

import type { MetricDumpSnapshot } from '../../../src/runtime/metrics/metric-dump.js';
import { RecipientUnreachableError } from '../../../src/rpc/errors.js';
import { FencedRpcEndpoint } from '../../../src/rpc/rpc-endpoint.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import {
  InstanceID,
  ResourceID,
  type JobID,
  type JobMasterId,
  type ResourceManagerId,
} from '../../../src/runtime/types/ids.js';
import type { JobStatus } from '../../../src/runtime/types/job-status.js';
import {
  RegistrationResponse,
  type JobMasterRegistrationResponse,
  type TaskExecutorRegistrationResponse,
} from '../../../src/runtime/types/registration-response.js';
import type { ResourceRequirements } from '../../../src/runtime/types/resource-requirements.js';
import type { ResourceOverview, TaskManagerInfo } from '../../../src/runtime/types/task-manager-info.js';

/** One registerJobMaster call. */
export interface JobMasterRegistrationCall {
  readonly jobMasterId: JobMasterId;
  readonly jobManagerResourceId: ResourceID;
  readonly jobManagerAddress: string;
  readonly jobId: JobID;
}

/** One declareRequiredResources call. */
export interface DeclarationCall {
  readonly jobMasterId: JobMasterId;
  readonly requirements: ResourceRequirements;
}

/** One disconnectJobManager call. */
export interface JobManagerDisconnection {
  readonly jobId: JobID;
  readonly jobStatus: JobStatus;
  readonly cause: Error;
}

type RemoteMethods = Omit<ResourceManagerGateway, 'getAddress' | 'getHostname' | 'getFencingToken'>;

export class RecordingResourceManager extends FencedRpcEndpoint<ResourceManagerId> implements RemoteMethods {
  static override gateways = [ResourceManagerGateway];

  readonly registrations: JobMasterRegistrationCall[] = [];
  readonly declarations: DeclarationCall[] = [];
  readonly heartbeatsFromJobManager: ResourceID[] = [];
  readonly disconnections: JobManagerDisconnection[] = [];
  /** While true, registerJobMaster records the call and never answers, like a ResourceManager that hangs. */
  holdRegistrations = false;
  /** While true, heartbeat answers from JobMasters fail as if this endpoint were gone. */
  unreachableForHeartbeats = false;

  constructor(
    rpc: RpcService,
    token: ResourceManagerId,
    readonly resourceId: ResourceID = ResourceID.of(`rm_${token}`),
  ) {
    super(rpc, token);
  }

  /** Total slots of the newest declaration, or undefined if there was none. */
  lastDeclaredSlots(): number | undefined {
    const last = this.declarations.at(-1);
    return last?.requirements.resourceRequirements.reduce((sum, r) => sum + r.numberOfRequiredSlots, 0);
  }

  async registerJobMaster(
    jobMasterId: JobMasterId,
    jobManagerResourceId: ResourceID,
    jobManagerAddress: string,
    jobId: JobID,
    _timeoutMs: number,
  ): Promise<JobMasterRegistrationResponse> {
    this.registrations.push({ jobMasterId, jobManagerResourceId, jobManagerAddress, jobId });
    if (this.holdRegistrations) return new Promise<never>(() => {});
    return RegistrationResponse.jobMasterSuccess(this.getFencingToken(), this.resourceId);
  }

  async declareRequiredResources(
    jobMasterId: JobMasterId,
    requirements: ResourceRequirements,
    _timeoutMs: number,
  ): Promise<Acknowledge> {
    this.declarations.push({ jobMasterId, requirements });
    return Acknowledge;
  }

  async heartbeatFromJobManager(resourceId: ResourceID): Promise<void> {
    this.heartbeatsFromJobManager.push(resourceId);
    if (this.unreachableForHeartbeats) throw new RecipientUnreachableError('The ResourceManager is gone.');
  }

  disconnectJobManager(jobId: JobID, jobStatus: JobStatus, cause: Error): void {
    this.disconnections.push({ jobId, jobStatus, cause });
  }

  // ---- TaskExecutor-facing: not used by these tests ----------------------------------

  async registerTaskExecutor(): Promise<TaskExecutorRegistrationResponse> {
    return RegistrationResponse.taskExecutorSuccess(InstanceID.generate(), this.resourceId, {
      blobServerHostname: 'localhost',
      blobServerPort: 1234,
    });
  }

  async sendSlotReport(): Promise<Acknowledge> {
    return Acknowledge;
  }

  notifySlotAvailable(): void {}

  async heartbeatFromTaskManager(): Promise<void> {}

  disconnectTaskManager(): void {}

  async getNumberOfRegisteredTaskManagers(): Promise<number> {
    return 0;
  }

  async requestResourceOverview(): Promise<ResourceOverview> {
    return { numberTaskManagers: 0, numberRegisteredSlots: 0, numberFreeSlots: 0 };
  }

  async requestTaskManagerInfo(): Promise<TaskManagerInfo[]> {
    return [];
  }

  async requestTaskManagerLogLines(): Promise<string[]> {
    return [];
  }

  requestTaskManagerMetrics(): Promise<MetricDumpSnapshot> {
    return Promise.reject(new Error('RecordingResourceManager keeps no TaskExecutors.'));
  }

  async requestJobManagerMetricDump(): Promise<MetricDumpSnapshot> {
    return { timestamp: Date.now(), dumps: [] };
  }
}
