// Gateways to endpoints that one thread connects to again and again, one
// handshake per address: the Dispatcher to the clients that follow its jobs,
// the JobMasters of one Dispatcher to the TaskExecutors that run their jobs,
// the LeaderInformationServer to the listeners that subscribe per job.
// Connecting anew for every job cost a handshake round trip per job. A
// connection is dropped when the thread, process or link behind its address is
// gone (death watch) or when connecting failed, and the least recently used
// is dropped beyond the limit. An endpoint that stops while its thread lives is not
// noticed: calls to it then fail as they would right after a handshake
// (RecipientUnreachable), and tells to it become dead letters. threadlink's own.

import type { GatewayDefinition, RpcGateway } from './gateway.js';
import type { RpcService } from './rpc-service.js';

/** Addresses kept connected at most, by default: peers come and go, each with a new address. */
export const kMaxCachedConnections = 64;

interface CachedConnection<G> {
  readonly gateway: Promise<G>;
  readonly unwatch: () => void;
}

export class ConnectionCache<G extends RpcGateway> {
  /** In order of use, the least recently used first. */
  private readonly connections = new Map<string, CachedConnection<G>>();
  private closed = false;

  constructor(
    private readonly rpcService: RpcService,
    private readonly gateway: GatewayDefinition<G>,
    private readonly maxConnections = kMaxCachedConnections,
  ) {}

  /** How many addresses are connected or connecting. */
  get size(): number {
    return this.connections.size;
  }

  /** A gateway to the endpoint at `address`: the one made before, or a new connection (RpcService.connect). */
  connect(address: string): Promise<G> {
    const known = this.connections.get(address);
    if (known) {
      this.connections.delete(address);
      this.connections.set(address, known);
      return known.gateway;
    }
    const gateway = this.rpcService.connect(address, this.gateway);
    if (this.closed) return gateway;
    const connection: CachedConnection<G> = {
      gateway,
      unwatch: this.rpcService.watch(address, () => this.drop(address, connection)),
    };
    gateway.catch(() => this.drop(address, connection));
    this.connections.set(address, connection);
    if (this.connections.size > this.maxConnections) {
      const [oldest, entry] = this.connections.entries().next().value as [string, CachedConnection<G>];
      this.drop(oldest, entry);
    }
    return gateway;
  }

  /** Forgets the connection to `address`: the next connect makes a new one. */
  forget(address: string): void {
    const connection = this.connections.get(address);
    if (connection) this.drop(address, connection);
  }

  /** Forgets every connection; later connects are not kept. */
  close(): void {
    this.closed = true;
    for (const [address, connection] of [...this.connections]) this.drop(address, connection);
  }

  private drop(address: string, connection: CachedConnection<G>): void {
    if (this.connections.get(address) !== connection) return;
    this.connections.delete(address);
    connection.unwatch();
  }
}
