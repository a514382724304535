// A connection to whichever ResourceManager leads: it follows the leader,
// registers at each new one, watches the registered one by heartbeat, and
// registers anew when the leader changes, the heartbeat is lost or the
// ResourceManager lets go. Flink writes this twice, in the TaskExecutor and in
// the JobMaster (resourceManagerAddress, resourceManagerConnection,
// establishedResourceManagerConnection, reconnectToResourceManager and their
// heartbeat listeners); here both own one of these and fill in what differs.
//
// Every outcome is checked against the registration that is current when it
// arrives in the owner's main thread: a late success or failure of a replaced
// registration is dropped.

import { getLogger } from '../../actor/logger.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';
import { heartbeatLossListener } from '../heartbeat/heartbeat-loss-listener.js';
import type { HeartbeatManager } from '../heartbeat/heartbeat-manager.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HeartbeatTarget } from '../heartbeat/heartbeat-target.js';
import type { LeaderRetrievalService } from '../highavailability/leader-retrieval.js';
import type { ResourceID, ResourceManagerId } from '../types/ids.js';
import type { RegistrationRejection, RegistrationSuccess } from '../types/registration-response.js';
import type { RegisteredRpcConnection } from './registered-rpc-connection.js';
import type { RegistrationConnectionListener } from './registration-connection-listener.js';

/** The cause passed when there is no connection to close: nobody reads it. */
const kNoConnectionToClose = new Error('no connection to close');
const log = getLogger('resource-manager-connection');

/** Where the ResourceManager leader is, and under which session (its fencing token). */
export interface ResourceManagerAddress {
  readonly address: string;
  readonly resourceManagerId: ResourceManagerId;
}

/** What every registration success at a ResourceManager carries. */
export interface ResourceManagerRegistrationSuccess extends RegistrationSuccess {
  readonly resourceManagerResourceId: ResourceID;
}

/** The registration that succeeded, as Flink's EstablishedResourceManagerConnection. */
export interface EstablishedResourceManagerConnection<S extends ResourceManagerRegistrationSuccess> {
  readonly gateway: ResourceManagerGateway;
  readonly resourceManagerId: ResourceManagerId;
  readonly resourceManagerResourceId: ResourceID;
  readonly success: S;
}

type Registration<S extends ResourceManagerRegistrationSuccess> = RegisteredRpcConnection<
  ResourceManagerGateway,
  S,
  RegistrationRejection
>;

/** What the owner (a TaskExecutor or JobMaster) decides. Every hook runs in the owner's main thread. */
export interface ResourceManagerLeaderConnectionOwner<S extends ResourceManagerRegistrationSuccess, O> {
  /** The owner's ResourceID: the origin of its heartbeats. */
  readonly resourceId: ResourceID;
  readonly leaderRetriever: LeaderRetrievalService;
  readonly heartbeatServices: HeartbeatServices;
  /** Delays (heartbeats), running in the owner's main thread. */
  readonly executor: ScheduledExecutor;
  runAsync(task: () => void): void;
  /** Death watch of an address (RpcService.watch); returns the unwatch. */
  watch(address: string, onUnreachable: (reason: string) => void): () => void;
  /** False while the owner stops or once its work is done: it follows no leader then. */
  mayConnect(): boolean;
  /** A registration at `target`, not started yet, reporting to `listener`. */
  createRegistration(
    target: ResourceManagerAddress,
    listener: RegistrationConnectionListener<Registration<S>, S, RegistrationRejection>,
  ): Registration<S>;
  /** How the ResourceManager receives this owner's heartbeats. */
  heartbeatTarget(gateway: ResourceManagerGateway): HeartbeatTarget<O>;
  /** The payload of this owner's next heartbeat. */
  heartbeatPayload?(): O;
  /** A registration succeeded; it is now the established connection. */
  established(connection: EstablishedResourceManagerConnection<S>): void;
  /** The established connection closes: tell the ResourceManager that this owner leaves. */
  disconnect(connection: EstablishedResourceManagerConnection<S>, cause: Error): void;
  /** A new registration is about to start (or would, once there is a leader). */
  reconnecting?(): void;
  /** The owner's error for a lost or replaced connection (a heartbeat loss, a new leader). */
  error(message: string): Error;
  /** The registration failed for good. */
  registrationFailed(error: Error): void;
  /** The ResourceManager rejected the registration for good. */
  registrationRejected(targetAddress: string, rejection: RegistrationRejection): void;
  /** Leader retrieval failed and will not recover. */
  retrievalFailed(error: Error): void;
}

export class ResourceManagerLeaderConnection<S extends ResourceManagerRegistrationSuccess, O = void> {
  private readonly heartbeatManager: HeartbeatManager<void, O>;
  private leader: ResourceManagerAddress | undefined;
  private registration: Registration<S> | undefined;
  private establishedConnection: EstablishedResourceManagerConnection<S> | undefined;
  private unwatch: (() => void) | undefined;

  constructor(private readonly owner: ResourceManagerLeaderConnectionOwner<S, O>) {
    this.heartbeatManager = owner.heartbeatServices.createHeartbeatManager(
      owner.resourceId,
      heartbeatLossListener<void, O>({
        peer: 'ResourceManager',
        lost: (resourceId, message) => this.heartbeatLost(resourceId, owner.error(message)),
        retrievePayload: () => owner.heartbeatPayload?.() as O,
      }),
      owner.executor,
    );
  }

  /** Starts following the leader. */
  start(): void {
    this.owner.leaderRetriever.start({
      notifyLeaderAddress: (address, sessionId) =>
        this.owner.runAsync(() => this.notifyOfNewLeader(address, sessionId)),
      handleError: (error) => this.owner.retrievalFailed(error),
    });
  }

  /** Stops following the leader and stops the heartbeats; `close` first to also tell the ResourceManager. */
  stop(): void {
    this.owner.leaderRetriever.stop();
    this.heartbeatManager.stop();
    this.registration?.close();
    this.registration = undefined;
  }

  /** The current leader, as last retrieved. */
  getLeader(): ResourceManagerAddress | undefined {
    return this.leader;
  }

  getEstablished(): EstablishedResourceManagerConnection<S> | undefined {
    return this.establishedConnection;
  }

  /** Whether a registration is established, at the leader of session `resourceManagerId` if given. */
  isConnected(resourceManagerId?: ResourceManagerId): boolean {
    return (
      this.establishedConnection !== undefined &&
      (resourceManagerId === undefined || this.leader?.resourceManagerId === resourceManagerId)
    );
  }

  /** The ResourceManager `origin` asks for a heartbeat. */
  requestHeartbeat(origin: ResourceID): Promise<void> {
    return this.heartbeatManager.requestHeartbeat(origin, undefined);
  }

  /** Closes the connection, telling the ResourceManager, and registers at the leader again. */
  reconnect(cause: Error): void {
    this.close(cause);
    if (!this.owner.mayConnect()) return;
    this.owner.reconnecting?.();
    if (this.leader) this.connect(this.leader);
  }

  /** Closes the connection and tells the ResourceManager; nothing reconnects until the next leader or reconnect. */
  close(cause: Error): void {
    const established = this.establishedConnection;
    if (established) {
      log.info(`Close ResourceManager connection ${established.resourceManagerResourceId}: ${cause.message}`);
      this.establishedConnection = undefined;
      this.unwatch?.();
      this.unwatch = undefined;
      this.heartbeatManager.unmonitorTarget(established.resourceManagerResourceId);
      this.owner.disconnect(established, cause);
    }
    this.registration?.close();
    this.registration = undefined;
  }

  private notifyOfNewLeader(address: string | null, sessionId: string | null): void {
    // FLINK-13769: an owner that is stopping never connects again.
    if (!this.owner.mayConnect()) return;
    this.leader =
      address !== null && sessionId !== null
        ? { address, resourceManagerId: sessionId as ResourceManagerId }
        : undefined;
    // The cause is for a connection to close; a JobMaster's first leader finds none, and an error's stack costs.
    const cause = this.establishedConnection
      ? this.owner.error(`ResourceManager leader changed to new address ${address ?? 'null'}`)
      : kNoConnectionToClose;
    this.reconnect(cause);
  }

  private connect(target: ResourceManagerAddress): void {
    log.info(`Connecting to ResourceManager ${target.address} (${target.resourceManagerId}).`);
    let registration: Registration<S> | undefined = undefined;
    // Outcomes come back through the owner's main thread; only the current registration's count.
    const isCurrent = () => registration !== undefined && this.registration === registration;
    registration = this.owner.createRegistration(target, {
      onRegistrationSuccess: (connection, success) =>
        this.owner.runAsync(() => {
          if (!isCurrent() || !this.owner.mayConnect()) return;
          const gateway = connection.getTargetGateway();
          if (gateway) this.establish(target, gateway, success);
        }),
      onRegistrationFailure: (failure) =>
        this.owner.runAsync(() => {
          if (isCurrent()) this.owner.registrationFailed(failure);
        }),
      onRegistrationRejection: (targetAddress, rejection) =>
        this.owner.runAsync(() => {
          if (isCurrent()) this.owner.registrationRejected(targetAddress, rejection);
        }),
    });
    this.registration = registration;
    registration.start();
  }

  private establish(target: ResourceManagerAddress, gateway: ResourceManagerGateway, success: S): void {
    const established: EstablishedResourceManagerConnection<S> = {
      gateway,
      resourceManagerId: target.resourceManagerId,
      resourceManagerResourceId: success.resourceManagerResourceId,
      success,
    };
    this.establishedConnection = established;
    this.heartbeatManager.monitorTarget(
      success.resourceManagerResourceId,
      this.owner.heartbeatTarget(gateway),
    );
    // A ResourceManager whose thread, process or connection is gone is noticed at once; the owner registers again.
    this.unwatch = this.owner.watch(gateway.getAddress(), (reason) =>
      this.owner.runAsync(() => {
        if (this.establishedConnection !== established) return;
        const message = `ResourceManager with id ${established.resourceManagerResourceId} is no longer reachable: ${reason}`;
        log.info(message);
        this.reconnect(this.owner.error(message));
      }),
    );
    try {
      this.owner.established(established);
    } catch (error) {
      log.error('Establishing the ResourceManager connection failed.', error);
    }
  }

  private heartbeatLost(resourceId: string, cause: Error): void {
    // FLINK-8462: the loss of an earlier leader must not tear down the current connection.
    if (this.establishedConnection?.resourceManagerResourceId !== resourceId) {
      log.debug(`Ignoring the loss of ResourceManager ${resourceId}: not the current one.`);
      return;
    }
    log.info(cause.message);
    this.reconnect(cause);
  }
}
