// The worker-thread part of a system's transport (its mesh). Every pair of
// threads that talk gets its own MessageChannel. The system that spawned the
// workers brokers them lazily: a worker asks its broker for a channel to a peer,
// the broker creates one and hands an end to each side, and from then on the
// two talk directly; nothing relays through the broker. The broker also watches
// worker exits and tells the other workers, so a peer that dies before any
// channel to it exists is still known dead. A broker can also hand out channels
// to the other systems of its thread and to the workers of their meshes.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { threadIdOf } from './address.js';
import { getLogger } from './logger.js';
import { Kind, type LinkEnvelope } from './protocol.js';
import { PortLink, type LinkControl } from './port-link.js';
import { ThreadRegistry } from './thread-registry.js';
import { DownLink, type Link, type TransportListener } from './transport.js';

const log = getLogger('transport');

/** How a broker reaches the other systems of its thread (see system-transport.ts). */
export interface ThreadRoutes {
  readonly brokeredPairs: Set<string>;
  /** Attaches `port` in the same-thread system `host` as its link to `requester`; false if there is none. */
  acceptPortAt(host: string, requester: string, port: MessagePort): boolean;
  /** Hands `port` to worker `host` of another broker of this thread, as its link to `requester`. */
  sendPortToWorkerOf(host: string, requester: string, port: MessagePort): boolean;
}

export abstract class PortMesh implements LinkControl {
  protected listener!: TransportListener;
  protected readonly links = new Map<string, PortLink>();
  protected readonly deadHosts = new Map<string, string>();
  private closed = false;

  constructor(readonly localHost: string) {}

  start(listener: TransportListener): void {
    this.listener = listener;
  }

  /** Whether this mesh is the way to `host`. */
  abstract claims(host: string): boolean;

  link(host: string): Link {
    const existing = this.links.get(host);
    if (existing) return existing;
    const dead = this.deadHosts.get(host);
    if (dead !== undefined) return new DownLink(host, dead);
    if (this.closed) return new DownLink(host, 'the local actor system is closed');
    return this.openLink(host);
  }

  /** Attaches a port another broker of this thread made, as the link to `host`. */
  acceptPort(host: string, port: MessagePort): void {
    const existing = this.links.get(host);
    if (this.closed || existing?.isAttached) port.close();
    else (existing ?? this.newLink(host)).attach(port);
  }

  close(): void {
    this.closed = true;
    for (const link of [...this.links.values()]) link.markDown('the local actor system is closed');
  }

  abstract control(link: PortLink, envelope: LinkEnvelope): void;

  protected abstract openLink(host: string): Link;

  protected newLink(host: string): PortLink {
    const link = new PortLink(host, this.forwardingListener, this);
    this.links.set(host, link);
    return link;
  }

  /** Marks a host dead for good, whether or not a link to it exists. */
  protected hostDown(host: string, reason: string): void {
    if (!this.deadHosts.has(host)) this.deadHosts.set(host, reason);
    this.links.get(host)?.markDown(reason);
  }

  // Wraps the system's listener so that a link that goes down is forgotten and
  // later sends to its host fail fast.
  private readonly forwardingListener: TransportListener = {
    deliver: (link, envelope) => this.listener.deliver(link, envelope),
    malformed: (link, frame, reason) => this.listener.malformed(link, frame, reason),
    undeliverable: (link, envelope, cause) => this.listener.undeliverable(link, envelope, cause),
    linkDown: (link, reason) => {
      if (this.links.get(link.host) === link) this.links.delete(link.host);
      if (!this.deadHosts.has(link.host)) this.deadHosts.set(link.host, reason);
      this.onLinkDown(link.host, reason);
      this.listener.linkDown(link, reason);
    },
  };

  protected onLinkDown(_host: string, _reason: string): void {}
}

/** The mesh of a system that spawns workers: it owns the links to its workers and brokers the rest. */
export class MeshBroker extends PortMesh {
  private readonly workers = new Set<string>();
  private routes!: ThreadRoutes;

  setRoutes(routes: ThreadRoutes): void {
    this.routes = routes;
  }

  claims(host: string): boolean {
    return this.links.has(host) || this.deadHosts.has(host);
  }

  hasWorker(host: string): boolean {
    return this.workers.has(host) && this.links.has(host);
  }

  /**
   * Registers a new worker's end of its channel. The worker's first message
   * names its host; the promise resolves with it. Later messages are data.
   */
  addWorker(port: MessagePort): Promise<string> {
    return new Promise((resolve, reject) => {
      const onClose = () =>
        reject(new Error('the worker closed its channel before it said which host it is'));
      const onFirst = (message: unknown) => {
        port.off('message', onFirst);
        port.off('close', onClose);
        const hello = message as { k?: unknown; host?: unknown } | null;
        if (hello?.k !== Kind.WorkerHello || typeof hello.host !== 'string') {
          port.close();
          reject(new Error('the worker did not start with its host'));
          return;
        }
        const host = hello.host;
        this.deadHosts.delete(host);
        this.workers.add(host);
        const link = this.newLink(host);
        link.attach(port);
        // Each worker learns which hosts are threads of this process, so it asks
        // for a channel to them instead of dialing TCP.
        for (const other of this.workers) {
          if (other === host) continue;
          link.postControl({ k: Kind.HostUp, peer: other });
          this.links.get(other)?.postControl({ k: Kind.HostUp, peer: host });
        }
        resolve(host);
      };
      port.on('message', onFirst);
      port.once('close', onClose);
    });
  }

  /** Called when a worker thread has exited, whatever the reason. */
  workerExited(host: string, exitCode: number): void {
    this.hostDown(host, `${host} exited with code ${exitCode}`);
  }

  /** Hands `port` to worker `host` as its link to `requester`. */
  sendPort(host: string, requester: string, port: MessagePort): void {
    this.links.get(host)!.postControl({ k: Kind.PeerPort, peer: requester, port }, [port]);
  }

  protected override onLinkDown(host: string, reason: string): void {
    this.workers.delete(host);
    this.routes.brokeredPairs.forEach((pair) => {
      if (pair.split('|').includes(host)) this.routes.brokeredPairs.delete(pair);
    });
    const notice: LinkEnvelope = { k: Kind.PeerDown, peer: host, reason };
    for (const worker of this.workers) this.links.get(worker)?.postControl(notice);
  }

  protected openLink(host: string): Link {
    return new DownLink(host, `no thread ${host} is known to this actor system`);
  }

  control(link: PortLink, envelope: LinkEnvelope): void {
    if (
      envelope.k !== Kind.ConnectRequest ||
      typeof envelope.peer !== 'string' ||
      !this.workers.has(link.host)
    ) {
      this.listener.malformed(link, envelope, 'unexpected link envelope from a worker');
      return;
    }
    this.broker(link, envelope.peer);
  }

  private broker(from: PortLink, peer: string): void {
    const pair = ThreadRegistry.pairKey(from.host, peer);
    // Both sides may ask at once; the first request made the channel for both.
    if (this.routes.brokeredPairs.has(pair)) return;
    const target = peer === from.host ? undefined : this.links.get(peer);
    const { port1, port2 } = new MessageChannel();
    let routed = false;
    if (target && this.workers.has(peer)) {
      target.postControl({ k: Kind.PeerPort, peer: from.host, port: port2 }, [port2]);
      routed = true;
    } else if (peer !== from.host && peer !== this.localHost) {
      routed =
        this.routes.acceptPortAt(peer, from.host, port2) ||
        this.routes.sendPortToWorkerOf(peer, from.host, port2);
    }
    if (!routed) {
      port1.close();
      port2.close();
      const reason = this.deadHosts.get(peer) ?? `no thread ${peer} is known to this actor system`;
      from.postControl({ k: Kind.PeerDown, peer, reason });
      return;
    }
    this.routes.brokeredPairs.add(pair);
    from.postControl({ k: Kind.PeerPort, peer, port: port1 }, [port1]);
    log.debug(`brokered a channel ${from.host} <-> ${peer}`);
  }
}

/** A worker's mesh: a link to its broker, and direct links to other threads on demand. */
export class MeshMember extends PortMesh {
  private mainLink!: PortLink;
  /** Hosts that are threads of this process (TCP hosts of local workers), announced by the broker. */
  private readonly localHosts = new Set<string>();

  constructor(
    localHost: string,
    readonly mainHost: string,
    private readonly mainPort: MessagePort,
  ) {
    super(localHost);
  }

  override start(listener: TransportListener): void {
    super.start(listener);
    this.mainLink = this.newLink(this.mainHost);
    // The broker keys this worker's link by the host in this first message.
    this.mainPort.postMessage({ k: Kind.WorkerHello, host: this.localHost });
    this.mainLink.attach(this.mainPort);
  }

  claims(host: string): boolean {
    return (
      host === this.mainHost ||
      this.links.has(host) ||
      this.deadHosts.has(host) ||
      this.localHosts.has(host) ||
      threadIdOf(host.split('.')[0]!) !== undefined
    );
  }

  protected openLink(host: string): Link {
    const link = this.newLink(host);
    this.mainLink.postControl({ k: Kind.ConnectRequest, peer: host });
    return link;
  }

  control(link: PortLink, envelope: LinkEnvelope): void {
    if (link !== this.mainLink) {
      this.listener.malformed(link, envelope, 'link envelope from a peer other than main');
      return;
    }
    if (envelope.k === Kind.PeerPort && typeof envelope.peer === 'string' && envelope.port) {
      // The broker makes each pair once, so an attached link here means a stray port.
      const existing = this.links.get(envelope.peer);
      if (existing?.isAttached) envelope.port.close();
      else (existing ?? this.newLink(envelope.peer)).attach(envelope.port);
    } else if (envelope.k === Kind.PeerDown && typeof envelope.peer === 'string') {
      this.localHosts.delete(envelope.peer);
      this.hostDown(envelope.peer, String(envelope.reason));
    } else if (envelope.k === Kind.HostUp && typeof envelope.peer === 'string') {
      // A new thread on a host seen dead before is a new incarnation.
      this.deadHosts.delete(envelope.peer);
      this.localHosts.add(envelope.peer);
    } else {
      this.listener.malformed(link, envelope, 'unexpected link envelope from main');
    }
  }
}
