// The TaskExecutor's link to the ResourceManager leader: a
// ResourceManagerLeaderConnection with the TaskExecutor's registration, its
// first slot report, the slot report in every heartbeat, and the registration
// deadline that runs whenever it is not registered. Mirrors the ResourceManager
// half of Flink's TaskExecutor (connectToResourceManager,
// establishResourceManagerConnection, ResourceManagerHeartbeatListener).

import { getLogger } from '../../actor/logger.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { TaskManagerConfiguration } from '../configuration/task-manager-configuration.js';
import { TaskManagerError } from '../gateways/task-executor-errors.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { LeaderRetrievalService } from '../highavailability/leader-retrieval.js';
import {
  ResourceManagerLeaderConnection,
  type EstablishedResourceManagerConnection,
} from '../registration/resource-manager-leader-connection.js';
import type { TaskExecutorHeartbeatPayload } from '../types/heartbeat-payloads.js';
import type { ThreadStats } from '../types/thread-stats.js';
import type { AllocationID, ResourceID, ResourceManagerId } from '../types/ids.js';
import type { TaskExecutorRegistrationSuccess } from '../types/registration-response.js';
import type { SlotID } from '../types/slot-id.js';
import type { SlotReport } from '../types/slot-report.js';
import type { TaskExecutorRegistration } from '../types/task-executor-registration.js';
import { RegistrationDeadline } from './registration-deadline.js';
import { TaskExecutorToResourceManagerConnection } from './task-executor-to-resource-manager-connection.js';

const log = getLogger('TaskExecutor');

export interface ResourceManagerLinkContext {
  readonly rpcService: RpcService;
  readonly resourceId: ResourceID;
  readonly configuration: TaskManagerConfiguration;
  readonly leaderRetriever: LeaderRetrievalService;
  readonly heartbeatServices: HeartbeatServices;
  /** Delays, running in the TaskExecutor's main thread. */
  readonly executor: ScheduledExecutor;
  runAsync(task: () => void): void;
  /** What the TaskExecutor registers with. */
  registration(): TaskExecutorRegistration;
  slotReport(): SlotReport;
  /** The thread's heap and event-loop figures for the heartbeat; none when metrics are off. */
  threadStats(): ThreadStats | undefined;
  /** True once the TaskExecutor stops: it never connects again (FLINK-13769). */
  isStopping(): boolean;
  onFatalError(error: Error): void;
}

type Established = EstablishedResourceManagerConnection<TaskExecutorRegistrationSuccess>;

export class ResourceManagerLink {
  private readonly connection: ResourceManagerLeaderConnection<
    TaskExecutorRegistrationSuccess,
    TaskExecutorHeartbeatPayload
  >;
  private readonly deadline: RegistrationDeadline;
  private firstRegistered!: () => void;
  private readonly firstRegistration = new Promise<void>((resolve) => (this.firstRegistered = resolve));

  constructor(private readonly context: ResourceManagerLinkContext) {
    const { configuration, resourceId } = context;
    this.deadline = new RegistrationDeadline(
      configuration.maxRegistrationDurationMs,
      context.executor,
      (error) => context.onFatalError(error),
    );
    this.connection = new ResourceManagerLeaderConnection({
      resourceId,
      leaderRetriever: context.leaderRetriever,
      heartbeatServices: context.heartbeatServices,
      executor: context.executor,
      runAsync: (task) => context.runAsync(task),
      watch: (address, onUnreachable) => context.rpcService.watch(address, onUnreachable),
      mayConnect: () => !context.isStopping(),
      createRegistration: (target, listener) =>
        new TaskExecutorToResourceManagerConnection(
          context.rpcService,
          configuration.retryingRegistrationConfiguration,
          target.address,
          target.resourceManagerId,
          context.executor,
          listener,
          context.registration(),
        ),
      heartbeatTarget: (gateway) => ({
        receiveHeartbeat: (origin, payload) =>
          gateway.heartbeatFromTaskManager(origin as ResourceID, payload as TaskExecutorHeartbeatPayload),
        // The ResourceManager is the sender; it never asks us to request one.
        requestHeartbeat: () => Promise.resolve(),
      }),
      heartbeatPayload: () => {
        const threadStats = context.threadStats();
        return threadStats
          ? { slotReport: context.slotReport(), threadStats }
          : { slotReport: context.slotReport() };
      },
      established: (established) => this.established(established),
      disconnect: (established, cause) => established.gateway.disconnectTaskManager(resourceId, cause),
      reconnecting: () => this.deadline.start(),
      error: (message) => new TaskManagerError(message),
      registrationFailed: (error) => context.onFatalError(error),
      registrationRejected: (targetAddress, rejection) =>
        context.onFatalError(
          new TaskManagerError(
            `The TaskExecutor's registration at the ResourceManager ${targetAddress} has been rejected: ${rejection.reason}`,
          ),
        ),
      retrievalFailed: (error) => context.onFatalError(error),
    });
  }

  /** Follows the leader; the registration deadline starts now. */
  start(): void {
    this.connection.start();
    this.deadline.start();
  }

  /** Stops following the leader, the heartbeats and the deadline; close() first to tell the ResourceManager. */
  stop(): void {
    this.deadline.stop();
    this.connection.stop();
  }

  close(cause: Error): void {
    this.connection.close(cause);
  }

  reconnect(cause: Error): void {
    this.connection.reconnect(cause);
  }

  /** Whether a registration is established, at the leader of session `resourceManagerId` if given. */
  isConnected(resourceManagerId?: ResourceManagerId): boolean {
    return this.connection.isConnected(resourceManagerId);
  }

  requestHeartbeat(origin: ResourceID): Promise<void> {
    return this.connection.requestHeartbeat(origin);
  }

  /** Settles once a registration has been established and its first slot report answered, either way. */
  whenFirstRegistered(): Promise<void> {
    return this.firstRegistration;
  }

  /** Tells the registered ResourceManager, if any, that a slot is free again. */
  notifySlotAvailable(slotId: SlotID, allocationId: AllocationID): void {
    const established = this.connection.getEstablished();
    established?.gateway.notifySlotAvailable(established.success.registrationId, slotId, allocationId);
  }

  private established(established: Established): void {
    const instanceId = established.success.registrationId;
    log.info(
      `Successful registration at resource manager ${established.gateway.getAddress()} under registration id ${instanceId}.`,
    );
    const { gateway } = established;
    gateway
      .sendSlotReport(
        this.context.resourceId,
        instanceId,
        this.context.slotReport(),
        this.context.configuration.rpcTimeoutMs,
      )
      .catch((cause: unknown) =>
        this.context.runAsync(() => {
          if (this.connection.getEstablished() !== established) return;
          this.connection.reconnect(
            new TaskManagerError('Failed to send initial slot report to ResourceManager.', { cause }),
          );
        }),
      )
      .finally(this.firstRegistered);
    this.deadline.stop();
  }
}
