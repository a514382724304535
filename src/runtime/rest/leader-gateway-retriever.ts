// Follows a component's leader and hands out a gateway to it, connected once
// per leader session. Mirrors Flink's RpcGatewayRetriever (a
// LeaderGatewayRetriever): the REST handlers ask it on every request, so after
// a failover they reach the new leader without a restart. While there is no
// leader, a request fails with 503.

import type { FencedRpcGateway, GatewayDefinition } from '../../rpc/gateway.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { LeaderRetrievalService } from '../highavailability/leader-retrieval.js';
import { RestHandlerError } from './rest-errors.js';

export class LeaderGatewayRetriever<G extends FencedRpcGateway> {
  private leader: { readonly address: string; readonly sessionId: string } | undefined;
  private gateway: Promise<G> | undefined;
  private failure: Error | undefined;
  private stopped = false;

  constructor(
    private readonly rpcService: RpcService,
    private readonly retriever: LeaderRetrievalService,
    private readonly definition: GatewayDefinition<G>,
  ) {}

  start(): this {
    this.retriever.start({
      notifyLeaderAddress: (address, sessionId) => {
        // A new session means a new endpoint: forget the gateway to the old one.
        this.gateway = undefined;
        this.leader = address !== null && sessionId !== null ? { address, sessionId } : undefined;
      },
      handleError: (error) => {
        this.failure = error;
      },
    });
    return this;
  }

  getFuture(): Promise<G> {
    const leader = this.leader;
    if (this.stopped || !leader) {
      const why = this.failure ? `: ${this.failure.message}` : '';
      return Promise.reject(
        new RestHandlerError(`There is no leader of ${this.definition.name} at the moment${why}.`, 503),
      );
    }
    if (!this.gateway) {
      const connecting = this.rpcService.connectFenced(leader.address, leader.sessionId, this.definition);
      this.gateway = connecting;
      // A failed connect is not kept: the next request tries again.
      connecting.catch(() => {
        if (this.gateway === connecting) this.gateway = undefined;
      });
    }
    return this.gateway;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.retriever.stop();
  }
}
