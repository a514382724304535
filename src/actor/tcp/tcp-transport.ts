// The TCP transport of one actor system: it listens on its own port, dials
// peers on demand, runs the handshake and hands each handshaken connection to
// the peer's TcpLink. With TLS, the server asks every client for a certificate
// and rejects those not signed by the trusted CA before any frame is read.
// Mirrors Pekko Artery's TCP transport (ArteryTcpTransport) with its TLS engine.

import type { Server, Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { kTcpProtocol } from '../address.js';
import { getLogger } from '../logger.js';
import { HandshakeRefused, type Refusal } from '../transport-errors.js';
import { DownLink, type Link, type TransportListener, type TransportMetrics } from '../transport.js';
import { Connection, type ConnectionEvents } from './connection.js';
import { FrameType, kEnvelopeOverheadBytes } from './frame-codec.js';
import {
  checkHello,
  isTcpHost,
  kNodeMajor,
  kTcpProtocolVersion,
  parseHello,
  parseRefuse,
  splitHost,
  type Hello,
} from './handshake.js';
import { isLoopbackHost } from './loopback.js';
import { TcpLink, type TcpLinkLimits, type TcpLinkOwner } from './tcp-link.js';

const log = getLogger('tcp');

// node:net, node:tls and node:crypto load when a transport is made, not when
// this module is imported: every worker's bundle holds this module, and most
// workers never talk TCP (loading them costs a worker 5 ms and 1 MB, bench:cluster).
const nodeNet = (): typeof import('node:net') => process.getBuiltinModule('node:net');
const nodeTls = (): typeof import('node:tls') => process.getBuiltinModule('node:tls');

/** PEM material for mutual TLS (Flink's security.ssl.internal.*). */
export interface TlsMaterial {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** The CA that signs every node of the cluster; peers signed by others are refused. */
  readonly ca: string | Buffer;
  /** Check that a server's certificate names the host dialed. Default true. */
  readonly verifyHostname: boolean;
}

export interface TcpTransportOptions extends TcpLinkLimits {
  readonly systemName: string;
  /** Address to listen on. */
  readonly bindHost: string;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Host put in addresses, when peers must dial another name than bindHost. */
  readonly advertisedHost?: string;
  /** Port put in addresses, when peers must dial another port than the bound one (NAT). */
  readonly advertisedPort?: number;
  /** TLS material, or undefined for plain TCP. */
  readonly tls: TlsMaterial | undefined;
  /** Plain TCP to and from non-loopback addresses (logs a warning). */
  readonly insecure: boolean;
  /** Time to connect, secure and finish the handshake. */
  readonly handshakeTimeoutMs: number;
  /** Clock for the reconnect gate; tests inject one. Default performance.now. */
  readonly clock?: () => number;
  /** Tests only: announce another protocol version or Node major. */
  readonly helloOverrides?: { readonly version?: number; readonly node?: number };
}

const kMaxQuarantinedPerHost = 32;

export class TcpTransport implements ConnectionEvents, TcpLinkOwner {
  readonly localHost: string;
  readonly uid = process.getBuiltinModule('node:crypto').randomBytes(8).toString('hex');
  readonly limits: TcpLinkLimits;
  listener!: TransportListener;
  private readonly hello: Hello;
  private readonly links = new Map<string, TcpLink>();
  private readonly connections = new Set<Connection>();
  private readonly rawSockets = new Set<Socket>();
  private readonly quarantined = new Map<string, Set<string>>();
  private readonly secureContext: SecureContext | undefined;
  private readonly clock: () => number;
  private malformedFrames = 0;
  private refusedConnections = 0;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: TcpTransportOptions,
    private readonly server: Server,
    port: number,
  ) {
    const advertised = options.advertisedHost ?? options.bindHost;
    const advertisedPort = options.advertisedPort ?? port;
    this.localHost =
      nodeNet().isIP(advertised) === 6
        ? `[${advertised}]:${advertisedPort}`
        : `${advertised}:${advertisedPort}`;
    this.limits = options;
    this.clock = options.clock ?? (() => performance.now());
    this.secureContext = options.tls
      ? nodeTls().createSecureContext({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca })
      : undefined;
    this.hello = {
      protocol: 'threadlink',
      version: options.helloOverrides?.version ?? kTcpProtocolVersion,
      node: options.helloOverrides?.node ?? kNodeMajor,
      system: options.systemName,
      host: this.localHost,
      uid: this.uid,
      maxFrameBytes: options.maxFrameBytes,
    };
  }

  /** Binds the listening socket; the transport's host is known once it is bound. */
  static async listen(options: TcpTransportOptions): Promise<TcpTransport> {
    const tls = options.tls;
    const server: Server = tls
      ? nodeTls().createServer({
          key: tls.key,
          cert: tls.cert,
          ca: tls.ca,
          requestCert: true,
          rejectUnauthorized: true,
          handshakeTimeout: options.handshakeTimeoutMs,
        })
      : nodeNet().createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.bindHost, port: options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const transport = new TcpTransport(options, server, port);
    transport.serve(tls !== undefined);
    if (!tls && !isLoopbackHost(options.bindHost)) {
      log.warn(
        `Listening with plain TCP on ${transport.localHost}, which is not a loopback address: messages ` +
          'travel unencrypted and any peer may connect. Enable security.ssl.internal.enabled.',
      );
    }
    return transport;
  }

  get protocol(): string {
    return kTcpProtocol;
  }

  start(listener: TransportListener): void {
    this.listener = listener;
  }

  now(): number {
    return this.clock();
  }

  /** The link to a TCP host, or a down link if this transport may not dial it. */
  link(host: string): Link {
    const existing = this.links.get(host);
    if (existing) return existing;
    if (this.closing) return new DownLink(host, 'the local actor system is closed');
    if (!isTcpHost(host)) return new DownLink(host, `${host} is not a TCP host (host:port)`);
    if (!this.options.tls && !this.options.insecure && !isLoopbackHost(splitHost(host).hostname)) {
      return new DownLink(
        host,
        `plain TCP to ${host}, which is not a loopback address, is refused: enable ` +
          'security.ssl.internal.enabled, or set remote.insecure to accept unencrypted traffic',
      );
    }
    return this.linkFor(host);
  }

  metrics(): TransportMetrics {
    let outboundQueuedBytes = 0;
    for (const connection of this.connections) outboundQueuedBytes += connection.queuedBytes;
    return {
      malformedFrames: this.malformedFrames,
      connections: this.connections.size,
      refusedConnections: this.refusedConnections,
      outboundQueuedBytes,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- dialing and accepting ------------------------------------------------------------

  dial(link: TcpLink): Connection {
    const { hostname, port } = splitHost(link.host);
    const tls = this.options.tls;
    let socket: Socket;
    if (tls) {
      socket = nodeTls().connect({
        host: hostname,
        port,
        secureContext: this.secureContext!,
        rejectUnauthorized: true,
        ...(nodeNet().isIP(hostname) === 0 ? { servername: hostname } : {}),
        checkServerIdentity: tls.verifyHostname ? nodeTls().checkServerIdentity : () => undefined,
      });
    } else {
      socket = nodeNet().connect({ host: hostname, port });
    }
    const connection = this.track(new Connection(socket, 'dialer', this, tls ? 'secureConnect' : 'connect'));
    connection.owner = link;
    return connection;
  }

  private serve(tls: boolean): void {
    // Raw sockets are kept so that close() can end TLS handshakes still under way.
    this.server.on('connection', (socket: Socket) => {
      this.rawSockets.add(socket);
      socket.once('close', () => this.rawSockets.delete(socket));
      if (this.closing) socket.destroy();
    });
    if (tls) {
      this.server.on('secureConnection', (socket: Socket) => this.accept(socket));
      this.server.on('tlsClientError', (error: Error, socket: Socket) => {
        this.refusedConnections++;
        log.warn(
          `Refused a TLS connection from ${socket.remoteAddress}:${socket.remotePort}: ${error.message}`,
        );
      });
    } else {
      this.server.on('connection', (socket: Socket) => this.accept(socket));
    }
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.track(new Connection(socket, 'acceptor', this, undefined));
  }

  private track(connection: Connection): Connection {
    this.connections.add(connection);
    const socket = connection.socket;
    socket.setKeepAlive(true, 10_000);
    socket.setTimeout(this.options.handshakeTimeoutMs, () =>
      connection.close(
        `the connection handshake did not complete within ${this.options.handshakeTimeoutMs} ms`,
      ),
    );
    return connection;
  }

  // ---- ConnectionEvents --------------------------------------------------------------------

  connected(connection: Connection): void {
    if (connection.role === 'dialer') connection.sendControl(FrameType.Hello, this.hello);
  }

  frame(connection: Connection, type: number, payload: Buffer): void {
    if (connection.peer !== undefined) {
      if (type === FrameType.Data) (connection.owner as TcpLink).receive(payload);
      else this.dropFrame(connection, `an unexpected frame of type ${type} after the handshake`);
      return;
    }
    if (connection.role === 'acceptor') {
      if (type === FrameType.Hello) this.answerHello(connection, payload);
      else this.protocolViolation(connection, `a frame of type ${type} before the Hello`);
    } else if (type === FrameType.HelloAck) {
      this.completeHandshake(connection, payload);
    } else if (type === FrameType.Refuse) {
      const { refusal, message } = parseRefuse(payload);
      connection.refusal = new HandshakeRefused(refusal as Refusal, message);
      log.warn(`${(connection.owner as TcpLink).host} refused the connection handshake: ${message}`);
      connection.close(`${(connection.owner as TcpLink).host} refused the connection handshake: ${message}`);
    } else {
      this.protocolViolation(connection, `a frame of type ${type} instead of the HelloAck`);
    }
  }

  oversized(connection: Connection, length: number): void {
    this.malformedFrames++;
    const limit = connection.peer ? this.options.maxFrameBytes : 'the handshake limit of';
    log.warn(
      `Closed the connection from ${this.describe(connection)}: a frame of ${length} bytes is over ` +
        `${limit} bytes.`,
    );
    connection.close(`a frame of ${length} bytes was over the limit`);
  }

  closed(connection: Connection, reason: string): void {
    this.connections.delete(connection);
    const link = connection.owner as TcpLink | undefined;
    link?.lost(connection, `the connection to ${link.host} was lost: ${reason}`, connection.refusal);
  }

  quarantine(host: string, uid: string): void {
    let uids = this.quarantined.get(host);
    if (!uids) this.quarantined.set(host, (uids = new Set()));
    uids.add(uid);
    if (uids.size > kMaxQuarantinedPerHost) uids.delete(uids.values().next().value!);
    log.info(`Quarantined incarnation ${uid} of ${host}: it restarted.`);
  }

  // ---- the handshake ------------------------------------------------------------------------

  private answerHello(connection: Connection, payload: Buffer): void {
    const hello = parseHello(payload);
    const refusal = hello
      ? (checkHello(this.hello, hello) ?? this.checkQuarantine(hello.host, hello.uid))
      : new HandshakeRefused('MALFORMED_HELLO', 'The Hello frame was not understood.');
    if (refusal || !hello) {
      this.refuse(connection, refusal!);
      return;
    }
    connection.peer = hello;
    connection.sendControl(FrameType.HelloAck, this.hello);
    this.handshakeDone(connection);
    this.linkFor(hello.host).established(connection, hello);
  }

  private completeHandshake(connection: Connection, payload: Buffer): void {
    const link = connection.owner as TcpLink;
    const hello = parseHello(payload);
    const refusal = hello
      ? (checkHello(this.hello, hello) ?? this.checkQuarantine(link.host, hello.uid))
      : new HandshakeRefused('MALFORMED_HELLO', `The HelloAck of ${link.host} was not understood.`);
    if (refusal || !hello) {
      this.refusedConnections++;
      log.warn(`Refused the connection handshake with ${link.host}: ${refusal!.message}`);
      connection.refusal = refusal!;
      connection.close(`refused the connection handshake with ${link.host}: ${refusal!.message}`);
      return;
    }
    connection.peer = hello;
    this.handshakeDone(connection);
    link.established(connection, hello);
  }

  private handshakeDone(connection: Connection): void {
    connection.socket.setTimeout(0);
    connection.setFrameLimit(this.options.maxFrameBytes + kEnvelopeOverheadBytes);
  }

  private checkQuarantine(host: string, uid: string): HandshakeRefused | undefined {
    if (!this.quarantined.get(host)?.has(uid)) return undefined;
    return new HandshakeRefused(
      'QUARANTINED',
      `Incarnation ${uid} of ${host} is quarantined: a newer incarnation of that system has been seen, ` +
        'so this one may not talk to it any more. Restart it.',
    );
  }

  private refuse(connection: Connection, refusal: HandshakeRefused): void {
    this.refusedConnections++;
    log.warn(`Refused the connection handshake of ${this.describe(connection)}: ${refusal.message}`);
    connection.refusal = refusal;
    connection.sendControl(FrameType.Refuse, { refusal: refusal.refusal, message: refusal.message });
    connection.end(refusal.message);
  }

  private protocolViolation(connection: Connection, what: string): void {
    this.malformedFrames++;
    log.warn(`Closed the connection of ${this.describe(connection)}: ${what}.`);
    connection.close(`protocol violation: ${what}`);
  }

  private dropFrame(connection: Connection, what: string): void {
    this.malformedFrames++;
    log.warn(`Dropped ${what} from ${this.describe(connection)}.`);
  }

  private describe(connection: Connection): string {
    return connection.peer?.host ?? `${connection.socket.remoteAddress}:${connection.socket.remotePort}`;
  }

  private linkFor(host: string): TcpLink {
    let link = this.links.get(host);
    if (!link) this.links.set(host, (link = new TcpLink(host, this)));
    return link;
  }

  private async shutdown(): Promise<void> {
    for (const link of this.links.values()) link.close('the local actor system is closed');
    const sockets = [...[...this.connections].map((c) => c.socket), ...this.rawSockets];
    const ended = sockets.map((socket) =>
      socket.destroyed && socket.closed
        ? undefined
        : new Promise<void>((resolve) => socket.once('close', resolve)),
    );
    for (const socket of sockets) socket.destroy();
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...ended, serverClosed]);
  }
}
