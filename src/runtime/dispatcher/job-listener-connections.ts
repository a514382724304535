// The Dispatcher's connections to the clients that follow its jobs, one per
// listener address, shared by every job that client submits. A client follows
// each job it submits; connecting for each job cost a handshake round trip to
// the client's thread per job. A connection is dropped when its client's
// thread, process or link is gone (death watch) or when connecting failed, and
// the oldest is dropped beyond kMaxListenerConnections. A listener endpoint that
// is closed while its thread lives is not noticed: the events sent to it then
// become dead letters, as they would after a handshake. threadlink's own.

import type { RpcService } from '../../rpc/rpc-service.js';
import { JobListenerGateway } from '../gateways/job-listener-gateway.js';

/** Listener addresses kept connected at most: clients come and go, each with a new address. */
export const kMaxListenerConnections = 64;

interface ListenerConnection {
  readonly gateway: Promise<JobListenerGateway>;
  readonly unwatch: () => void;
}

export class JobListenerConnections {
  private readonly connections = new Map<string, ListenerConnection>();

  constructor(private readonly rpcService: RpcService) {}

  /** A gateway to the listener at `address`: the one made before, or a new connection. */
  connect(address: string): Promise<JobListenerGateway> {
    const known = this.connections.get(address);
    if (known) return known.gateway;
    const gateway = this.rpcService.connect(address, JobListenerGateway);
    const connection: ListenerConnection = {
      gateway,
      unwatch: this.rpcService.watch(address, () => this.drop(address, connection)),
    };
    gateway.catch(() => this.drop(address, connection));
    this.connections.set(address, connection);
    if (this.connections.size > kMaxListenerConnections) {
      const [oldest, entry] = this.connections.entries().next().value as [string, ListenerConnection];
      this.drop(oldest, entry);
    }
    return gateway;
  }

  /** Forgets every connection; the Dispatcher is stopping. */
  close(): void {
    for (const [address, connection] of [...this.connections]) this.drop(address, connection);
  }

  private drop(address: string, connection: ListenerConnection): void {
    if (this.connections.get(address) !== connection) return;
    this.connections.delete(address);
    connection.unwatch();
  }
}
