// The wire protocol of leader retrieval across threads, in one place: what a
// worker subscribes to, the gateway of the main thread's LeaderInformationServer,
// and the gateway of the worker's listener endpoint that hears the answers.
// Flink's equivalent is the ZooKeeper node a ZooKeeperLeaderRetrievalDriver
// watches; here the main thread plays ZooKeeper and pushes every change.

import type { SerializedError } from '../../actor/error-codec.js';
import { defineGateway, type RpcGateway } from '../../rpc/gateway.js';
import type { Acknowledge } from '../types/acknowledge.js';
import type { JobIdLike } from './high-availability-services.js';

/** Whose leader a subscription follows: the ResourceManager's, the Dispatcher's, or one job's JobMaster. */
export type LeaderTarget =
  | { readonly kind: 'resourcemanager' }
  | { readonly kind: 'dispatcher' }
  | { readonly kind: 'jobmanager'; readonly jobId: JobIdLike; readonly defaultAddress: string };

export function describeLeaderTarget(target: LeaderTarget): string {
  if (target.kind === 'resourcemanager') return 'the ResourceManager';
  if (target.kind === 'dispatcher') return 'the Dispatcher';
  return `the JobMaster of job ${target.jobId}`;
}

/** Served by LeaderInformationServer, on the thread that runs the leader election. */
export interface LeaderInformationGateway extends RpcGateway {
  /**
   * Starts pushing the leader of `target` to the LeaderListenerGateway at
   * `listenerAddress`, under `subscriptionId`, beginning with the current leader
   * if there is one. Resolves once the subscription is in place.
   */
  subscribe(subscriptionId: string, listenerAddress: string, target: LeaderTarget): Promise<Acknowledge>;
  /** Ends a subscription; unknown ids are ignored. */
  unsubscribe(subscriptionId: string): void;
}

export const LeaderInformationGateway = defineGateway<LeaderInformationGateway>('LeaderInformationGateway', {
  subscribe: 'ask',
  unsubscribe: 'tell',
});

/** Served by the listener endpoint of a RemoteHaServices, on the thread that retrieves leaders. */
export interface LeaderListenerGateway extends RpcGateway {
  /**
   * A new leader, or `(null, null)` for none. Resolves with false when nobody
   * here holds `subscriptionId` any more, so that the server drops it. An ask
   * rather than Flink's fire-and-forget watch: a subscriber whose thread has
   * died fails it at once with RecipientUnreachableError.
   */
  notifyLeaderAddress(
    subscriptionId: string,
    leaderAddress: string | null,
    leaderSessionId: string | null,
  ): Promise<boolean>;
  /** Retrieval of the subscription failed for good; the server has dropped it. */
  handleError(subscriptionId: string, error: SerializedError): void;
}

export const LeaderListenerGateway = defineGateway<LeaderListenerGateway>('LeaderListenerGateway', {
  notifyLeaderAddress: 'ask',
  handleError: 'tell',
});
