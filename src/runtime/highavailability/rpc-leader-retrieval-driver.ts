// A LeaderRetrievalDriver that learns the leader from the main thread's
// LeaderInformationServer, as Flink's ZooKeeperLeaderRetrievalDriver learns it
// from a ZooKeeper node. It subscribes once, hears every change through its
// RemoteHaServices' listener endpoint, and unsubscribes on close, even when it
// closes before the server has answered. Unlike a ZooKeeper client it does not
// retry: the server runs in the main thread, and when that is unreachable the
// cluster is gone, so the failure goes straight to the retrieval listener.

import { nanoid } from 'nanoid/non-secure';
import { LeaderRetrievalError } from './errors.js';
import {
  describeLeaderTarget,
  type LeaderInformationGateway,
  type LeaderTarget,
} from './leader-information-protocol.js';
import type { LeaderSubscriber } from './leader-listener-endpoint.js';
import type {
  LeaderInformation,
  LeaderRetrievalDriver,
  LeaderRetrievalDriverFactory,
  LeaderRetrievalEventHandler,
} from './leader-retrieval-driver.js';

/** What a driver needs from its RemoteHaServices. */
export interface LeaderSubscriptions {
  readonly serverAddress: string;
  /** A gateway to the LeaderInformationServer, connected once and shared. */
  connectToServer(): Promise<LeaderInformationGateway>;
  /** Routes notifications for `subscriptionId` to `subscriber`; returns the address they go to. */
  register(subscriptionId: string, subscriber: RpcLeaderRetrievalDriver): string;
  unregister(subscriptionId: string, subscriber: RpcLeaderRetrievalDriver): void;
}

export class RpcLeaderRetrievalDriver implements LeaderRetrievalDriver, LeaderSubscriber {
  readonly subscriptionId = nanoid();
  private closed = false;
  /** Set once the subscribe call has gone out; from then on closing must unsubscribe. */
  private server: LeaderInformationGateway | null = null;

  constructor(
    private readonly subscriptions: LeaderSubscriptions,
    readonly target: LeaderTarget,
    private readonly eventHandler: LeaderRetrievalEventHandler,
    private readonly fatalErrorHandler: (error: Error) => void,
  ) {
    // Registered before subscribing: the first notification may overtake the reply.
    const listenerAddress = subscriptions.register(this.subscriptionId, this);
    void this.subscribe(listenerAddress);
  }

  private async subscribe(listenerAddress: string): Promise<void> {
    try {
      const server = await this.subscriptions.connectToServer();
      if (this.closed) return;
      this.server = server;
      await server.subscribe(this.subscriptionId, listenerAddress, this.target);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.fail(
        new LeaderRetrievalError(
          `Could not subscribe to the leader of ${describeLeaderTarget(this.target)} at the leader ` +
            `information server ${this.subscriptions.serverAddress}: ${reason}`,
          { cause },
        ),
      );
    }
  }

  notifyLeaderAddress(leaderInformation: LeaderInformation): void {
    if (this.closed) return;
    try {
      this.eventHandler.notifyLeaderAddress(leaderInformation);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The server ended the subscription because retrieval failed there. */
  handleError(error: Error): void {
    this.fail(error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.unregister(this.subscriptionId, this);
    // Sent after subscribe on the same link, so the server sees it even while it
    // is still setting the subscription up.
    this.server?.unsubscribe(this.subscriptionId);
  }

  /** Reports `error` once; nothing is heard from this driver afterwards. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.fatalErrorHandler(error);
  }
}

export class RpcLeaderRetrievalDriverFactory implements LeaderRetrievalDriverFactory {
  constructor(
    private readonly subscriptions: LeaderSubscriptions,
    private readonly target: LeaderTarget,
  ) {}

  createLeaderRetrievalDriver(
    eventHandler: LeaderRetrievalEventHandler,
    fatalErrorHandler: (error: Error) => void,
  ): RpcLeaderRetrievalDriver {
    return new RpcLeaderRetrievalDriver(this.subscriptions, this.target, eventHandler, fatalErrorHandler);
  }
}
