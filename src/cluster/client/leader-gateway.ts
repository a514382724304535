// Connects to the current leader of a component, fenced by its session: waits
// for the retrieval to name a leader, then connects to it once. For one-off
// calls (the MiniCluster's resourceManagerGateway); a client that keeps
// following a leader uses DispatcherLeader instead.

import type { FencedRpcGateway, GatewayDefinition } from '../../rpc/gateway.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { LeaderRetrievalService } from '../../runtime/highavailability/leader-retrieval.js';
import { ClusterClientError } from './cluster-client-errors.js';

export function connectToLeader<G extends FencedRpcGateway>(
  rpcService: RpcService,
  retriever: LeaderRetrievalService,
  gateway: GatewayDefinition<G>,
  timeoutMs: number,
): Promise<G> {
  return new Promise<{ address: string; sessionId: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      retriever.stop();
      reject(new ClusterClientError(`No leader of ${gateway.name} was found within ${timeoutMs} ms.`));
    }, timeoutMs);
    retriever.start({
      notifyLeaderAddress: (address, sessionId) => {
        if (address === null || sessionId === null) return;
        clearTimeout(timer);
        retriever.stop();
        resolve({ address, sessionId });
      },
      handleError: (error) => {
        clearTimeout(timer);
        retriever.stop();
        reject(error);
      },
    });
  }).then(({ address, sessionId }) => rpcService.connectFenced(address, sessionId, gateway));
}
