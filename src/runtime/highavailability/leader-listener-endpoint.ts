// The worker side of leader retrieval across threads: one endpoint per
// RemoteHaServices that hears what the main thread's LeaderInformationServer
// pushes and hands it to the driver of the matching subscription. Plays the part
// of the ZooKeeper watch callback behind Flink's ZooKeeperLeaderRetrievalDriver.

import { decodeError, type SerializedError } from '../../actor/error-codec.js';
import { getLogger } from '../../actor/logger.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import { LeaderListenerGateway } from './leader-information-protocol.js';
import type { LeaderInformation } from './leader-retrieval-driver.js';

const log = getLogger('leader-listener');

/** What the endpoint dispatches to: one RpcLeaderRetrievalDriver per subscription. */
export interface LeaderSubscriber {
  notifyLeaderAddress(leaderInformation: LeaderInformation): void;
  handleError(error: Error): void;
}

export class LeaderListenerEndpoint
  extends RpcEndpoint
  implements Omit<LeaderListenerGateway, 'getAddress' | 'getHostname'>
{
  static override gateways = [LeaderListenerGateway];

  // Drivers register and unregister from outside this endpoint's mailbox. Each
  // call runs to completion on this thread, so a notification always sees every
  // driver created before it was sent, and none that has closed.
  private readonly subscribers = new Map<string, LeaderSubscriber>();

  register(subscriptionId: string, subscriber: LeaderSubscriber): void {
    this.subscribers.set(subscriptionId, subscriber);
  }

  unregister(subscriptionId: string, subscriber: LeaderSubscriber): void {
    if (this.subscribers.get(subscriptionId) === subscriber) this.subscribers.delete(subscriptionId);
  }

  async notifyLeaderAddress(
    subscriptionId: string,
    leaderAddress: string | null,
    leaderSessionId: string | null,
  ): Promise<boolean> {
    const subscriber = this.subscribers.get(subscriptionId);
    if (!subscriber) return false;
    subscriber.notifyLeaderAddress({ leaderAddress, leaderSessionId });
    return true;
  }

  handleError(subscriptionId: string, error: SerializedError): void {
    const subscriber = this.subscribers.get(subscriptionId);
    if (!subscriber) {
      log.debug(`Leader retrieval error for unknown subscription ${subscriptionId}: ${error.message}`);
      return;
    }
    subscriber.handleError(decodeError(error, 'leader information server'));
  }
}
