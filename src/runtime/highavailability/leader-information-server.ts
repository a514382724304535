// Serves leader information from the main thread's HA services to other threads.
// Flink has no such endpoint: its TaskExecutors read ZooKeeper directly. Here the
// main thread plays ZooKeeper: each subscription holds one retrieval service of
// the local HighAvailabilityServices (an EmbeddedLeaderService listener in a
// MiniCluster, which hands a late subscriber the current leader) and forwards
// every notification to the subscriber's LeaderListenerGateway, in order.
// A thread's subscriptions share one listener endpoint, so the server connects
// back to each listener once (a handshake round trip), not once per
// subscription: a TaskExecutor subscribes to every job it gets a slot request for.
// A subscription ends when its subscriber unsubscribes, stops knowing it, dies
// (RecipientUnreachableError), its worker thread exits (removeSubscriptionsOf),
// its retrieval fails, or this server stops.

import { parseAddress } from '../../actor/address.js';
import { encodeError } from '../../actor/error-codec.js';
import { getLogger } from '../../actor/logger.js';
import { ConnectionCache } from '../../rpc/connection-cache.js';
import { EndpointNotStartedError, RecipientUnreachableError } from '../../rpc/errors.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import { Acknowledge } from '../types/acknowledge.js';
import type { HighAvailabilityServices } from './high-availability-services.js';
import {
  describeLeaderTarget,
  LeaderInformationGateway,
  LeaderListenerGateway,
  type LeaderTarget,
} from './leader-information-protocol.js';
import type { LeaderRetrievalService } from './leader-retrieval.js';
import { LeaderSubscriptionError } from './remote-ha-errors.js';

const log = getLogger('leader-information-server');

/** The endpoint id a MiniCluster gives its server, so workers can be told one address. */
export const kLeaderInformationServerId = 'ha_services';

interface Subscription {
  readonly id: string;
  readonly listenerAddress: string;
  /** The subscriber's thread, e.g. `thread-3`. */
  readonly host: string;
  readonly target: LeaderTarget;
  /** Null while the server connects back to the listener. */
  gateway: LeaderListenerGateway | null;
  retrieval: LeaderRetrievalService | null;
}

export class LeaderInformationServer
  extends RpcEndpoint
  implements Omit<LeaderInformationGateway, 'getAddress' | 'getHostname'>
{
  static override gateways = [LeaderInformationGateway];

  private readonly subscriptions = new Map<string, Subscription>();
  /** Connections back to the listeners, by address, while a subscription of theirs lives. */
  private readonly listeners: ConnectionCache<LeaderListenerGateway>;

  constructor(
    rpcService: RpcService,
    private readonly haServices: HighAvailabilityServices,
    endpointId: string = kLeaderInformationServerId,
  ) {
    super(rpcService, endpointId);
    this.listeners = new ConnectionCache(rpcService, LeaderListenerGateway);
  }

  // ---- gateway ---------------------------------------------------------------------

  async subscribe(
    subscriptionId: string,
    listenerAddress: string,
    target: LeaderTarget,
  ): Promise<Acknowledge> {
    const subscription = this.addSubscription(subscriptionId, listenerAddress, target);
    let gateway: LeaderListenerGateway;
    try {
      // One connection per listener; a failed one is not kept, so the next subscription tries again.
      gateway = await this.listeners.connect(listenerAddress);
    } catch (cause) {
      return this.inMainThread(() => {
        this.forget(subscription);
        throw new LeaderSubscriptionError(`Could not connect to the leader listener at ${listenerAddress}.`, {
          cause,
        });
      });
    }
    return this.inMainThread(() => this.activate(subscription, gateway));
  }

  unsubscribe(subscriptionId: string): void {
    const subscription = this.subscriptions.get(subscriptionId);
    if (subscription) this.drop(subscription, 'the subscriber unsubscribed');
  }

  // ---- local -----------------------------------------------------------------------

  /**
   * Drops every subscription whose listener lives on `host`, for a MiniCluster
   * whose worker thread exited; the subscribers are not told. Resolves with the
   * number dropped, 0 once the server has stopped.
   */
  removeSubscriptionsOf(host: string): Promise<number> {
    return this.inMainThread(() => {
      let dropped = 0;
      for (const subscription of [...this.subscriptions.values()]) {
        if (subscription.host !== host) continue;
        this.drop(subscription, `its thread ${host} is gone`);
        dropped++;
      }
      return dropped;
    }).catch(() => 0);
  }

  /** How many subscriptions are live or being set up; 0 once the server has stopped. */
  numberOfSubscriptions(): Promise<number> {
    return this.inMainThread(() => this.subscriptions.size).catch(() => 0);
  }

  protected override onStop(): void {
    const stopped = this.stoppedError();
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    this.listeners.close();
    for (const subscription of subscriptions) {
      subscription.retrieval?.stop();
      // Pending subscriptions learn it from their subscribe reply instead.
      subscription.gateway?.handleError(subscription.id, encodeError(stopped));
    }
  }

  // ---- subscriptions (main thread) -------------------------------------------------

  /** Registered before connecting back, so that an unsubscribe arriving meanwhile finds it. */
  private addSubscription(id: string, listenerAddress: string, target: LeaderTarget): Subscription {
    checkTarget(target);
    if (typeof id !== 'string' || id.length === 0) {
      throw new LeaderSubscriptionError('A leader subscription needs a non-empty id.');
    }
    if (this.subscriptions.has(id)) {
      throw new LeaderSubscriptionError(`There is already a leader subscription with id ${id}.`);
    }
    const subscription: Subscription = {
      id,
      listenerAddress,
      host: parseAddress(listenerAddress).host,
      target,
      gateway: null,
      retrieval: null,
    };
    this.subscriptions.set(id, subscription);
    return subscription;
  }

  private activate(subscription: Subscription, gateway: LeaderListenerGateway): Acknowledge {
    if (!this.isRunning()) throw this.stoppedError();
    // Unsubscribed while connecting: the subscriber no longer wants to hear anything.
    if (this.subscriptions.get(subscription.id) !== subscription) return Acknowledge;
    subscription.gateway = gateway;
    try {
      const retrieval = this.retrieverFor(subscription.target);
      subscription.retrieval = retrieval;
      // Listener calls come from the HA services' executor; hop into the main thread,
      // in the order they came, before touching any state.
      retrieval.start({
        notifyLeaderAddress: (address, sessionId) =>
          this.runAsync(() => this.forward(subscription, address, sessionId)),
        handleError: (error) => this.runAsync(() => this.forwardError(subscription, error)),
      });
    } catch (cause) {
      this.forget(subscription);
      throw new LeaderSubscriptionError(
        `Could not retrieve the leader of ${describeLeaderTarget(subscription.target)}.`,
        { cause },
      );
    }
    return Acknowledge;
  }

  private retrieverFor(target: LeaderTarget): LeaderRetrievalService {
    if (target.kind === 'resourcemanager') return this.haServices.getResourceManagerLeaderRetriever();
    if (target.kind === 'dispatcher') return this.haServices.getDispatcherLeaderRetriever();
    return this.haServices.getJobManagerLeaderRetriever(target.jobId, target.defaultAddress);
  }

  private forward(subscription: Subscription, address: string | null, sessionId: string | null): void {
    const gateway = subscription.gateway;
    if (!this.isCurrent(subscription) || !gateway) return;
    gateway.notifyLeaderAddress(subscription.id, address, sessionId).then(
      (known) => {
        if (!known) this.dropLater(subscription, 'the subscriber no longer holds it');
      },
      (error: unknown) => {
        if (error instanceof RecipientUnreachableError) {
          this.dropLater(subscription, 'the subscriber is unreachable');
        } else {
          // A slow subscriber keeps its subscription; the next change may reach it.
          log.warn(`Could not tell subscription ${subscription.id} about leader ${address}:`, error);
        }
      },
    );
  }

  private forwardError(subscription: Subscription, error: Error): void {
    const gateway = subscription.gateway;
    if (!this.isCurrent(subscription) || !gateway) return;
    gateway.handleError(subscription.id, encodeError(error));
    this.drop(subscription, `its leader retrieval failed: ${error.message}`);
  }

  private dropLater(subscription: Subscription, reason: string): void {
    if (this.isRunning()) this.runAsync(() => this.drop(subscription, reason));
  }

  private drop(subscription: Subscription, reason: string): void {
    if (!this.isCurrent(subscription)) return;
    log.debug(
      `Dropping leader subscription ${subscription.id} (${subscription.listenerAddress}): ${reason}.`,
    );
    this.forget(subscription);
  }

  private forget(subscription: Subscription): void {
    if (!this.isCurrent(subscription)) return;
    this.subscriptions.delete(subscription.id);
    subscription.retrieval?.stop();
    const address = subscription.listenerAddress;
    for (const other of this.subscriptions.values()) if (other.listenerAddress === address) return;
    // Its last subscription: an unreachable listener is connected afresh next time, and none piles up.
    this.listeners.forget(address);
  }

  private isCurrent(subscription: Subscription): boolean {
    return this.subscriptions.get(subscription.id) === subscription;
  }

  /** Runs `task` in the main thread; fails with a LeaderSubscriptionError once the server is gone. */
  private inMainThread<T>(task: () => T): Promise<T> {
    return this.callAsync(task, this.getRpcService().askTimeoutMs).catch((error: unknown) => {
      if (error instanceof EndpointNotStartedError || error instanceof RecipientUnreachableError) {
        throw this.stoppedError(error);
      }
      throw error;
    });
  }

  private stoppedError(cause?: unknown): LeaderSubscriptionError {
    return new LeaderSubscriptionError(
      `The leader information server at ${this.getAddress()} stopped.`,
      cause === undefined ? undefined : { cause },
    );
  }
}

function checkTarget(target: LeaderTarget): void {
  const valid =
    target?.kind === 'resourcemanager' ||
    target?.kind === 'dispatcher' ||
    (target?.kind === 'jobmanager' &&
      typeof target.jobId === 'string' &&
      target.jobId.length > 0 &&
      typeof target.defaultAddress === 'string');
  if (!valid) {
    throw new LeaderSubscriptionError(
      `Unknown leader target ${JSON.stringify(target)}: expected {kind: 'resourcemanager'}, ` +
        "{kind: 'dispatcher'} or {kind: 'jobmanager', jobId, defaultAddress}.",
    );
  }
}
