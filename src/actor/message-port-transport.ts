// The worker-thread transport. Every pair of threads that talk gets its own
// MessageChannel. The main thread brokers them lazily: a worker asks main for a
// channel to a peer, main creates one and hands an end to each side, and from then
// on the two workers talk directly; nothing relays through main. Main also
// watches worker exits and tells the other workers, so a peer that dies before
// any channel to it exists is still known dead.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { getLogger } from './logger.js';
import { Kind, type LinkEnvelope } from './protocol.js';
import { PortLink, type LinkControl } from './port-link.js';
import { DownLink, LoopbackLink, type Link, type Transport, type TransportListener } from './transport.js';

const log = getLogger('transport');

abstract class PortTransport implements Transport, LinkControl {
  protected listener!: TransportListener;
  protected readonly links = new Map<string, PortLink>();
  protected readonly deadHosts = new Map<string, string>();
  private loopback!: LoopbackLink;
  private closed = false;

  constructor(readonly localHost: string) {}

  start(listener: TransportListener): void {
    this.listener = listener;
    this.loopback = new LoopbackLink(this.localHost, listener);
  }

  link(host: string): Link {
    if (host === this.localHost) return this.loopback;
    const existing = this.links.get(host);
    if (existing) return existing;
    const dead = this.deadHosts.get(host);
    if (dead !== undefined) return new DownLink(host, dead);
    if (this.closed) return new DownLink(host, 'the local actor system is closed');
    return this.openLink(host);
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

/** The main thread's transport: owns the links to its workers and brokers the rest. */
export class MainThreadTransport extends PortTransport {
  private readonly brokered = new Set<string>();

  /** Registers a worker's end of its main channel. */
  addWorker(host: string, port: MessagePort): void {
    this.newLink(host).attach(port);
  }

  /** Called when a worker thread has exited, whatever the reason. */
  workerExited(host: string, exitCode: number): void {
    const reason = `${host} exited with code ${exitCode}`;
    this.hostDown(host, reason);
  }

  protected override onLinkDown(host: string, reason: string): void {
    for (const pair of [...this.brokered]) if (pair.split('|').includes(host)) this.brokered.delete(pair);
    const notice: LinkEnvelope = { k: Kind.PeerDown, peer: host, reason };
    for (const link of this.links.values()) link.postControl(notice);
  }

  protected openLink(host: string): Link {
    return new DownLink(host, `no thread ${host} is known to this actor system`);
  }

  control(link: PortLink, envelope: LinkEnvelope): void {
    if (envelope.k !== Kind.ConnectRequest || typeof envelope.peer !== 'string') {
      this.listener.malformed(link, envelope, 'unexpected link envelope from a worker');
      return;
    }
    this.broker(link, envelope.peer);
  }

  private broker(from: PortLink, peer: string): void {
    const target = this.links.get(peer);
    if (!target || peer === from.host) {
      const reason = this.deadHosts.get(peer) ?? `no thread ${peer} is known to this actor system`;
      from.postControl({ k: Kind.PeerDown, peer, reason });
      return;
    }
    const pair = from.host < peer ? `${from.host}|${peer}` : `${peer}|${from.host}`;
    // Both sides may ask at once; the first request made the channel for both.
    if (this.brokered.has(pair)) return;
    this.brokered.add(pair);
    const { port1, port2 } = new MessageChannel();
    from.postControl({ k: Kind.PeerPort, peer, port: port1 }, [port1]);
    target.postControl({ k: Kind.PeerPort, peer: from.host, port: port2 }, [port2]);
    log.debug(`brokered a channel ${from.host} <-> ${peer}`);
  }
}

/** A worker's transport: a link to main, and direct links to other workers on demand. */
export class WorkerThreadTransport extends PortTransport {
  private mainLink!: PortLink;

  constructor(
    localHost: string,
    private readonly mainHost: string,
    private readonly mainPort: MessagePort,
  ) {
    super(localHost);
  }

  override start(listener: TransportListener): void {
    super.start(listener);
    this.mainLink = this.newLink(this.mainHost);
    this.mainLink.attach(this.mainPort);
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
      // Main brokers each pair once, so an attached link here means a stray port.
      const existing = this.links.get(envelope.peer);
      if (existing?.isAttached) envelope.port.close();
      else (existing ?? this.newLink(envelope.peer)).attach(envelope.port);
    } else if (envelope.k === Kind.PeerDown && typeof envelope.peer === 'string') {
      this.hostDown(envelope.peer, String(envelope.reason));
    } else {
      this.listener.malformed(link, envelope, 'unexpected link envelope from main');
    }
  }
}
