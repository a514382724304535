// The transport of one actor system, routing each host to the link that
// reaches it: itself (loopback), another system of its thread (a cloning
// LocalLink), a thread of its process (a MessagePort, brokered), or another
// process (TCP). Threads of one process always talk over their direct channels,
// even when they also listen on TCP for other processes.
//
// A worker thread that must be reachable from other processes listens on its
// own port, and its host is that `ip:port`; its process's main thread does not
// relay for it. bench:relay measured both over loopback with mutual TLS (raw
// frames; 4 runs of 7 interleaved rounds, 2 cores): a round trip of 64-74 µs to
// the worker's own port against 118-149 µs through a relaying main thread
// (1.8-2.0x), and 107k-113k against 33k-43k pipelined calls/s (relay 0.31-0.39x),
// because the relay adds a postMessage hop each way and puts every worker's
// traffic through one thread. Own ports cost one
// listening socket per worker, which is cheap. In-process peers learn from the
// broker which `ip:port` hosts are threads of this process and ask it for a
// channel to them instead of dialing.

import type { MessagePort } from 'node:worker_threads';
import { MessageChannel } from 'node:worker_threads';
import { kLocalProtocol } from './address.js';
import { LocalLink } from './local-link.js';
import { MeshBroker, type PortMesh, type ThreadRoutes } from './message-port-transport.js';
import { isTcpHost } from './tcp/handshake.js';
import type { TcpTransport } from './tcp/tcp-transport.js';
import { ThreadRegistry } from './thread-registry.js';
import {
  DownLink,
  LoopbackLink,
  type Link,
  type Transport,
  type TransportListener,
  type TransportMetrics,
} from './transport.js';

const registry = new ThreadRegistry<SystemTransport>();

/** A host for an in-process system on this thread: `thread-N`, or `thread-N.k` if it has others. */
export function allocateThreadHost(): string {
  return registry.allocateHost();
}

export class SystemTransport implements Transport, ThreadRoutes {
  readonly protocol: string;
  private listener!: TransportListener;
  private loopback!: LoopbackLink;
  private readonly locals = new Map<string, LocalLink>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly localHost: string,
    readonly mesh: PortMesh,
    readonly tcp: TcpTransport | undefined,
  ) {
    this.protocol = tcp ? tcp.protocol : kLocalProtocol;
    if (mesh instanceof MeshBroker) mesh.setRoutes(this);
  }

  get brokeredPairs(): Set<string> {
    return registry.brokeredPairs;
  }

  start(listener: TransportListener): void {
    this.listener = listener;
    this.loopback = new LoopbackLink(this.localHost, listener);
    registry.register(this);
    // A system that once had this host (a TCP port reused) is gone: its old links stay down, new ones are made.
    for (const system of registry.all()) {
      if (system.locals.get(this.localHost)?.downReason !== undefined) system.locals.delete(this.localHost);
    }
    this.mesh.start(listener);
    this.tcp?.start(listener);
  }

  link(host: string): Link {
    if (host === this.localHost) return this.loopback;
    const local = this.locals.get(host);
    if (local) return local;
    if (this.closing) return new DownLink(host, 'the local actor system is closed');
    const peer = registry.get(host);
    if (peer) return this.pairWith(peer);
    if (this.mesh.claims(host)) return this.mesh.link(host);
    const brokered = this.channelThroughBrokerOf(host);
    if (brokered) return brokered;
    if (isTcpHost(host)) {
      if (this.tcp) return this.tcp.link(host);
      return new DownLink(
        host,
        `${host} is in another process, and this system does not use TCP (create its RpcService with remote options)`,
      );
    }
    return this.mesh.link(host);
  }

  metrics(): TransportMetrics {
    return (
      this.tcp?.metrics() ?? {
        malformedFrames: 0,
        connections: 0,
        refusedConnections: 0,
        outboundQueuedBytes: 0,
      }
    );
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- ThreadRoutes: what this system's broker asks of the others in its thread ----

  acceptPortAt(host: string, requester: string, port: MessagePort): boolean {
    const system = registry.get(host);
    if (!system || system.closing) return false;
    system.mesh.acceptPort(requester, port);
    return true;
  }

  sendPortToWorkerOf(host: string, requester: string, port: MessagePort): boolean {
    for (const system of registry.all()) {
      if (system === this || system.closing || !(system.mesh instanceof MeshBroker)) continue;
      if (system.mesh.hasWorker(host)) {
        system.mesh.sendPort(host, requester, port);
        return true;
      }
    }
    return false;
  }

  // ---- internals ------------------------------------------------------------------------

  private pairWith(peer: SystemTransport): Link {
    if (peer.closing) return new DownLink(peer.localHost, `the actor system ${peer.localHost} is closed`);
    const [mine, theirs] = LocalLink.pair(this.localHost, this.listener, peer.localHost, peer.listener);
    this.locals.set(peer.localHost, mine);
    peer.locals.set(this.localHost, theirs);
    return mine;
  }

  /** A worker of another system of this thread: that system's broker makes a channel to it. */
  private channelThroughBrokerOf(host: string): Link | undefined {
    for (const system of registry.all()) {
      if (system === this || system.closing || !(system.mesh instanceof MeshBroker)) continue;
      if (!system.mesh.hasWorker(host)) continue;
      const pair = ThreadRegistry.pairKey(this.localHost, host);
      registry.brokeredPairs.add(pair);
      const { port1, port2 } = new MessageChannel();
      system.mesh.sendPort(host, this.localHost, port2);
      this.mesh.acceptPort(host, port1);
      return this.mesh.link(host);
    }
    return undefined;
  }

  private async shutdown(): Promise<void> {
    registry.unregister(this);
    const reason = `the actor system ${this.localHost} is closed`;
    for (const [host, link] of this.locals) {
      link.markDown('the local actor system is closed');
      registry.get(host)?.locals.get(this.localHost)?.markDown(reason);
    }
    this.mesh.close();
    await this.tcp?.close();
  }
}
