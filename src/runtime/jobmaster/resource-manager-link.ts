// The JobMaster's link to the ResourceManager leader: a
// ResourceManagerLeaderConnection with the JobMaster's registration
// (registerJobMaster), its heartbeats, and the slots the job declares it needs
// (declareRequiredResources). Mirrors the ResourceManager half of Flink's
// JobMaster (ResourceManagerConnection, establishResourceManagerConnection,
// ResourceManagerHeartbeatListener) and the declaring part of its slot pool.

import { getLogger } from '../../actor/logger.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import { messageOf } from '../flink-error.js';
import type { LeaderRetrievalService } from '../highavailability/leader-retrieval.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import { ResourceManagerLeaderConnection } from '../registration/resource-manager-leader-connection.js';
import { ResourceID, type JobID, type JobMasterId, type ResourceManagerId } from '../types/ids.js';
import type { JobStatus } from '../types/job-status.js';
import type { JobMasterRegistrationSuccess } from '../types/registration-response.js';
import { ResourceProfile } from '../types/resource-profile.js';
import { ResourceRequirements } from '../types/resource-requirements.js';
import { JobMasterError } from './job-master-errors.js';
import { JobMasterToResourceManagerConnection } from './job-master-to-resource-manager-connection.js';

const log = getLogger('JobMaster');

export interface ResourceManagerLinkContext {
  readonly rpcService: RpcService;
  readonly jobId: JobID;
  readonly jobMasterId: JobMasterId;
  /** The JobMaster's ResourceID and address, as it registers. */
  readonly resourceId: ResourceID;
  readonly address: string;
  readonly rpcTimeoutMs: number;
  readonly retryingRegistrationConfiguration: RetryingRegistrationConfiguration;
  readonly leaderRetriever: LeaderRetrievalService;
  readonly heartbeatServices: HeartbeatServices;
  /** Delays, running in the JobMaster's main thread. */
  readonly executor: ScheduledExecutor;
  runAsync(task: () => void): void;
  /** False once the job has ended or the JobMaster stops: it follows no leader then. */
  mayConnect(): boolean;
  jobStatus(): JobStatus;
  /** Slots the job can use now, and how many it holds. */
  requiredSlots(): number;
  heldSlots(): number;
  /** Registration or leader retrieval broke for good: the job fails. */
  onFatalError(error: Error): void;
}

export class ResourceManagerLink {
  private readonly connection: ResourceManagerLeaderConnection<JobMasterRegistrationSuccess>;
  /** What was last declared to the current ResourceManager; -1 when it must be declared anew. */
  private declaredSlots = -1;

  constructor(private readonly context: ResourceManagerLinkContext) {
    this.connection = new ResourceManagerLeaderConnection({
      resourceId: context.resourceId,
      leaderRetriever: context.leaderRetriever,
      heartbeatServices: context.heartbeatServices,
      executor: context.executor,
      runAsync: (task) => context.runAsync(task),
      watch: (address, onUnreachable) => context.rpcService.watch(address, onUnreachable),
      mayConnect: () => context.mayConnect(),
      createRegistration: (target, listener) =>
        new JobMasterToResourceManagerConnection(
          context.rpcService,
          context.retryingRegistrationConfiguration,
          target.address,
          target.resourceManagerId,
          context.executor,
          listener,
          {
            jobMasterId: context.jobMasterId,
            jobManagerResourceId: context.resourceId,
            jobManagerAddress: context.address,
            jobId: context.jobId,
          },
        ),
      heartbeatTarget: (gateway) => ({
        receiveHeartbeat: (origin) => gateway.heartbeatFromJobManager(ResourceID.of(origin)),
        requestHeartbeat: () => Promise.resolve(),
      }),
      established: () => {
        this.declaredSlots = -1;
        this.declareRequiredResources();
      },
      disconnect: (established, cause) =>
        established.gateway.disconnectJobManager(context.jobId, context.jobStatus(), cause),
      error: (message) => new JobMasterError(message),
      registrationFailed: (error) => context.onFatalError(error),
      // A ResourceManager never rejects a JobMaster for good; treat it as a failure, as Flink does.
      registrationRejected: (_address, rejection) =>
        context.onFatalError(new Error(`Registration rejected: ${rejection.reason}`)),
      retrievalFailed: (error) => context.runAsync(() => context.onFatalError(error)),
    });
  }

  start(): void {
    this.connection.start();
  }

  /** Stops following the leader and the heartbeats. */
  stop(): void {
    this.connection.stop();
  }

  /** Leaves the ResourceManager (it is told, with the job's status) and declares nothing more. */
  close(cause: Error): void {
    this.declaredSlots = 0;
    this.connection.close(cause);
  }

  requestHeartbeat(origin: ResourceID): Promise<void> {
    return this.connection.requestHeartbeat(origin);
  }

  /** The ResourceManager `resourceManagerId` let this JobMaster go: register again, if it is the current one. */
  disconnectResourceManager(resourceManagerId: ResourceManagerId, cause: Error): void {
    if (this.connection.getLeader()?.resourceManagerId !== resourceManagerId) {
      log.debug(
        `No need to disconnect from ResourceManager ${resourceManagerId}: it is not the current one.`,
      );
      return;
    }
    this.connection.reconnect(cause);
  }

  /** Declares the job's current slot needs, unless they are what was declared. */
  declareRequiredResources(): void {
    const established = this.connection.getEstablished();
    const required = this.context.requiredSlots();
    if (!established || required === this.declaredSlots) return;
    // While more tasks remain than the job holds slots, any slot the ResourceManager can still find is
    // welcome, so a lower need changes nothing yet; one declaration per finished task would only cost.
    if (this.declaredSlots > required && required > this.context.heldSlots()) return;
    this.declaredSlots = required;
    const requirements = ResourceRequirements.create(this.context.jobId, this.context.address, [
      { resourceProfile: ResourceProfile.UNKNOWN, numberOfRequiredSlots: required },
    ]);
    established.gateway
      .declareRequiredResources(this.context.jobMasterId, requirements, this.context.rpcTimeoutMs)
      .catch((error: unknown) =>
        this.context.runAsync(() => {
          if (this.connection.getEstablished() !== established) return;
          log.warn(`Could not declare the job's resource requirements: ${messageOf(error)}`);
          this.declaredSlots = -1;
        }),
      );
  }
}
