// The ResourceManager's side of its TaskExecutors: who is registered under
// which ResourceID, the connect-backs still under way, the heartbeats it sends
// them, and how a connection closes. Mirrors the TaskExecutor half of Flink's
// ResourceManager (taskExecutors, taskExecutorGatewayFutures,
// registerTaskExecutorInternal, closeTaskManagerConnection and the
// TaskManagerHeartbeatListener); the endpoint keeps the RPCs.

import { getLogger } from '../../actor/logger.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import { messageOf } from '../flink-error.js';
import type { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import { heartbeatLossListener } from '../heartbeat/heartbeat-loss-listener.js';
import type { HeartbeatManager } from '../heartbeat/heartbeat-manager.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { ClusterInformation } from '../types/cluster-information.js';
import type { TaskExecutorHeartbeatPayload } from '../types/heartbeat-payloads.js';
import { ResourceID } from '../types/ids.js';
import {
  RegistrationResponse,
  type TaskExecutorRegistrationResponse,
} from '../types/registration-response.js';
import type { TaskExecutorRegistration } from '../types/task-executor-registration.js';
import type { JobManagerConnections } from './job-manager-connections.js';
import {
  ResourceManagerError,
  TaskExecutorHeartbeatTimeoutError,
  TaskExecutorUnreachableError,
} from './resource-manager-errors.js';
import type { SlotManager } from './slotmanager/slot-manager.js';
import { taskExecutorHeartbeatSender } from './task-executor-heartbeat-sender.js';
import { WorkerRegistration } from './worker-registration.js';

const log = getLogger('resourcemanager');

export const kOutdatedRegistrationReason = 'Decline outdated task executor registration.';
export const kUnrecognizedWorkerReason = 'The ResourceManager does not recognize this TaskExecutor.';

/** How a connect-back to a registering TaskExecutor ended. */
export type ConnectOutcome<G> = { readonly gateway: G } | { readonly error: unknown };

/** Who hears that a TaskExecutor connection closed. */
export interface TaskManagerCloseOptions {
  /** Call its disconnectResourceManager (not when its thread is known to be gone). */
  readonly tellTaskExecutor: boolean;
  /** Call every JobMaster's disconnectTaskManager (not when the ResourceManager itself stops). */
  readonly tellJobMasters: boolean;
}

export interface TaskExecutorConnectionsContext {
  /** The ResourceManager's own ResourceID, the origin of its heartbeats. */
  readonly resourceId: ResourceID;
  readonly heartbeatServices: HeartbeatServices;
  /** Runs heartbeat timers in the ResourceManager's main thread. */
  readonly scheduledExecutor: ScheduledExecutor;
  readonly slotManager: SlotManager;
  readonly jobManagers: JobManagerConnections;
  readonly clusterInformation: ClusterInformation;
  /** Whether the framework knows this TaskExecutor (Flink's ResourceManager.workerStarted). */
  isWorkerAccepted(resourceId: ResourceID): boolean;
  /** Runs a task in the ResourceManager's main thread. */
  runAsync(task: () => void): void;
  /** A TaskExecutor's heartbeat was lost: the ResourceManager disconnects it. */
  disconnect(resourceId: ResourceID, cause: Error): void;
  /** Death watch of a TaskExecutor's address (RpcService.watch); returns the unwatch. */
  watch(address: string, onUnreachable: (reason: string) => void): () => void;
  /** A registered TaskExecutor's thread or process is gone: the ResourceManager drops it without a word. */
  terminated(resourceId: ResourceID, cause: Error): void;
  /** A registration began or ended (replaced or closed); the ResourceManager's metrics follow them. */
  registrationChanged?(registration: WorkerRegistration, registered: boolean): void;
}

export class TaskExecutorConnections {
  private readonly registrations = new Map<ResourceID, WorkerRegistration>();
  /** Stops the death watch of each registration. */
  private readonly unwatch = new Map<WorkerRegistration, () => void>();
  /**
   * The newest connect-back per TaskExecutor (FLINK-12260): a registration whose
   * connect is no longer the newest is declined, so a late, timed-out attempt
   * cannot replace the registration that followed it.
   */
  private readonly pendingConnections = new Map<ResourceID, Promise<TaskExecutorGateway>>();
  private readonly heartbeatManager: HeartbeatManager<TaskExecutorHeartbeatPayload, void>;

  constructor(private readonly context: TaskExecutorConnectionsContext) {
    this.heartbeatManager = context.heartbeatServices.createHeartbeatManagerSender(
      context.resourceId,
      heartbeatLossListener<TaskExecutorHeartbeatPayload, void>({
        peer: 'TaskManager',
        lost: (resourceId, message, loss) =>
          this.disconnectLater(
            resourceId,
            loss === 'timeout'
              ? new TaskExecutorHeartbeatTimeoutError(message)
              : new TaskExecutorUnreachableError(message),
          ),
        reportPayload: (resourceId, payload) => {
          const registration = this.registrations.get(ResourceID.of(resourceId));
          if (!registration) {
            log.debug(`Received slot report from TaskManager ${resourceId} which is no longer registered.`);
            return;
          }
          context.slotManager.reportSlotStatus(registration.instanceId, payload.slotReport);
          if (payload.threadStats) registration.threadStats = payload.threadStats;
        },
      }),
      context.scheduledExecutor,
      log,
    );
  }

  get(resourceId: ResourceID): WorkerRegistration | undefined {
    return this.registrations.get(resourceId);
  }

  values(): IterableIterator<WorkerRegistration> {
    return this.registrations.values();
  }

  get size(): number {
    return this.registrations.size;
  }

  /** `connecting` is now the newest connect-back to the TaskExecutor `resourceId`. */
  connecting(resourceId: ResourceID, connecting: Promise<TaskExecutorGateway>): void {
    this.pendingConnections.set(resourceId, connecting);
  }

  /** Forgets the connect-back under way to `resourceId`; true if there was one. */
  abandonConnect(resourceId: ResourceID): boolean {
    return this.pendingConnections.delete(resourceId);
  }

  /** The connect-back `connecting` ended: register the TaskExecutor, unless a newer registration overtook it. */
  completeRegistration(
    registration: TaskExecutorRegistration,
    connecting: Promise<TaskExecutorGateway>,
    outcome: ConnectOutcome<TaskExecutorGateway>,
  ): TaskExecutorRegistrationResponse {
    const resourceId = registration.resourceId;
    if (this.pendingConnections.get(resourceId) !== connecting) {
      log.debug(`Ignoring outdated TaskExecutorGateway connection for ${resourceId}.`);
      return RegistrationResponse.failure(kOutdatedRegistrationReason);
    }
    this.pendingConnections.delete(resourceId);
    if ('error' in outcome) {
      return RegistrationResponse.failure(
        `Could not connect to the TaskExecutor at ${registration.taskExecutorAddress}: ${messageOf(outcome.error)}`,
      );
    }
    return this.register(outcome.gateway, registration);
  }

  receiveHeartbeat(resourceId: ResourceID, payload: TaskExecutorHeartbeatPayload): Promise<void> {
    return this.heartbeatManager.receiveHeartbeat(resourceId, payload);
  }

  getLastHeartbeatFrom(resourceId: ResourceID): number {
    return this.heartbeatManager.getLastHeartbeatFrom(resourceId);
  }

  /** Forgets a TaskExecutor; returns its registration if there was one. */
  close(
    resourceId: ResourceID,
    cause: Error,
    options: TaskManagerCloseOptions,
  ): WorkerRegistration | undefined {
    this.heartbeatManager.unmonitorTarget(resourceId);
    const registration = this.registrations.get(resourceId);
    if (!registration) {
      log.debug(`No open TaskExecutor connection ${resourceId}. Ignoring close: ${cause.message}`);
      return undefined;
    }
    log.info(`Closing TaskExecutor connection ${resourceId} because: ${cause.message}`);
    this.registrations.delete(resourceId);
    this.stopWatching(registration);
    this.context.registrationChanged?.(registration, false);
    this.context.slotManager.unregisterTaskManager(registration.instanceId, cause);
    if (options.tellJobMasters) this.context.jobManagers.notifyTaskManagerLost(resourceId, cause);
    if (options.tellTaskExecutor) {
      try {
        registration.gateway.disconnectResourceManager(cause);
      } catch (error) {
        log.warn(`Could not tell TaskExecutor ${resourceId} that it is disconnected.`, error);
      }
    }
    return registration;
  }

  /**
   * The ResourceManager stops: every TaskExecutor is told, and lives on to keep
   * serving its JobMasters. Connects still in flight find no entry and decline.
   */
  stop(cause: Error): void {
    this.heartbeatManager.stop();
    for (const resourceId of [...this.registrations.keys()]) {
      this.close(resourceId, cause, { tellTaskExecutor: true, tellJobMasters: false });
    }
    this.pendingConnections.clear();
  }

  private register(
    gateway: TaskExecutorGateway,
    taskExecutorRegistration: TaskExecutorRegistration,
  ): TaskExecutorRegistrationResponse {
    const resourceId = taskExecutorRegistration.resourceId;
    const old = this.registrations.get(resourceId);
    if (old) {
      log.debug(`Replacing old registration of TaskExecutor ${resourceId}.`);
      this.registrations.delete(resourceId);
      this.stopWatching(old);
      this.context.registrationChanged?.(old, false);
      // Flink keeps the old monitor; ours is replaced, so a heartbeat verdict
      // always concerns the registration that is current.
      this.heartbeatManager.unmonitorTarget(resourceId);
      this.context.slotManager.unregisterTaskManager(
        old.instanceId,
        new ResourceManagerError(`TaskExecutor ${resourceId} re-connected to the ResourceManager.`),
      );
    }
    if (!this.context.isWorkerAccepted(resourceId)) {
      log.warn(
        `Discard registration from TaskExecutor ${resourceId} at (${taskExecutorRegistration.taskExecutorAddress}) ` +
          'because the framework did not recognize it',
      );
      return RegistrationResponse.rejection(kUnrecognizedWorkerReason);
    }
    const registration = new WorkerRegistration(gateway, taskExecutorRegistration);
    log.info(
      `Registering TaskManager with ResourceID ${resourceId} (${registration.address}) at ResourceManager`,
    );
    this.registrations.set(resourceId, registration);
    this.context.registrationChanged?.(registration, true);
    this.heartbeatManager.monitorTarget(resourceId, taskExecutorHeartbeatSender(gateway));
    // Far sooner than a heartbeat timeout: the TaskExecutor's thread or process is gone, or its connection.
    const unwatch = this.context.watch(registration.address, (reason) =>
      this.context.runAsync(() => {
        if (this.registrations.get(resourceId) !== registration) return;
        this.context.terminated(
          resourceId,
          new TaskExecutorUnreachableError(
            `TaskManager with id ${resourceId} is no longer reachable: ${reason}`,
          ),
        );
      }),
    );
    this.unwatch.set(registration, unwatch);
    return RegistrationResponse.taskExecutorSuccess(
      registration.instanceId,
      this.context.resourceId,
      this.context.clusterInformation,
    );
  }

  private stopWatching(registration: WorkerRegistration): void {
    this.unwatch.get(registration)?.();
    this.unwatch.delete(registration);
  }

  /**
   * Heartbeat verdicts can arrive from an RPC's promise rather than the mailbox.
   * The registration they concern is taken now and checked again in the main
   * thread, so a TaskExecutor that registered anew meanwhile is left alone.
   */
  private disconnectLater(id: string, cause: Error): void {
    const resourceId = ResourceID.of(id);
    const registration = this.registrations.get(resourceId);
    if (!registration) return;
    this.context.runAsync(() => {
      if (this.registrations.get(resourceId) === registration) this.context.disconnect(resourceId, cause);
    });
  }
}
