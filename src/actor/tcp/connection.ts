// One TCP (or TLS) connection: it cuts the stream into frames, runs its half of
// the handshake, and writes frames one buffer each, honouring backpressure:
// after write() returns false, frames wait in a bounded queue until 'drain'.
// Mirrors one of Pekko Artery's streams; TcpLink holds the per-peer state.

import type { Socket } from 'node:net';
import {
  encodeControlFrame,
  FrameDecoder,
  FrameType,
  kMaxControlFrameBytes,
  type FrameSink,
} from './frame-codec.js';
import type { Hello } from './handshake.js';
import type { HandshakeRefused } from '../transport-errors.js';

export type Role = 'dialer' | 'acceptor';

/** What a connection reports to its transport. */
export interface ConnectionEvents {
  /** The transport-level connection is up (TLS verified, if TLS): time to say Hello. */
  connected(connection: Connection): void;
  frame(connection: Connection, type: number, payload: Buffer): void;
  oversized(connection: Connection, length: number): void;
  closed(connection: Connection, reason: string): void;
}

export class Connection implements FrameSink {
  /** The peer's Hello, once the handshake is done. */
  peer: Hello | undefined;
  /** Set by the transport: whatever owns this connection once it is part of an association. */
  owner: unknown;
  /** A reason for the close to report instead of the socket's own. */
  closeReason: string | undefined;
  /** Set when the handshake was refused, by either side. */
  refusal: HandshakeRefused | undefined;
  closed = false;
  queuedBytes = 0;
  queuedMessages = 0;
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private readonly queueCounts: number[] = [];
  private writable = true;

  constructor(
    readonly socket: Socket,
    readonly role: Role,
    private readonly events: ConnectionEvents,
    connectEvent: 'connect' | 'secureConnect' | undefined,
  ) {
    this.decoder = new FrameDecoder(this, kMaxControlFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    socket.on('drain', () => this.drain());
    socket.on('error', (error: Error) => {
      this.closeReason ??= error.message;
    });
    socket.on('close', () => this.onClose());
    if (connectEvent === undefined) queueMicrotask(() => this.events.connected(this));
    else socket.once(connectEvent, () => this.events.connected(this));
  }

  get isOpen(): boolean {
    return this.peer !== undefined && !this.closed;
  }

  /** After the handshake, frames up to the data limit are accepted. */
  setFrameLimit(limit: number): void {
    this.decoder.limit = limit;
  }

  frame(type: number, payload: Buffer): void {
    this.events.frame(this, type, payload);
  }

  oversized(length: number): void {
    this.events.oversized(this, length);
  }

  sendControl(type: (typeof FrameType)[keyof typeof FrameType], payload: unknown): void {
    this.write(encodeControlFrame(type, payload), 0);
  }

  /** Writes one frame carrying `messages` envelopes, or queues it while the socket is full. */
  write(frame: Buffer, messages: number): void {
    if (this.closed) return;
    if (this.writable) {
      this.writable = this.socket.write(frame);
      return;
    }
    this.queue.push(frame);
    this.queueCounts.push(messages);
    this.queuedBytes += frame.length;
    this.queuedMessages += messages;
  }

  /** Sends what is queued, then half-closes, so the peer reads a refusal before the end. */
  end(reason: string): void {
    this.closeReason ??= reason;
    this.decoder.stop();
    this.socket.end();
  }

  close(reason: string): void {
    this.closeReason ??= reason;
    this.decoder.stop();
    this.socket.destroy();
  }

  private drain(): void {
    this.writable = true;
    if (this.queue.length === 0) return;
    this.socket.cork();
    while (this.writable && this.queue.length > 0) {
      const frame = this.queue.shift()!;
      this.queuedBytes -= frame.length;
      this.queuedMessages -= this.queueCounts.shift()!;
      this.writable = this.socket.write(frame);
    }
    this.socket.uncork();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.decoder.stop();
    this.queue.length = 0;
    this.queueCounts.length = 0;
    this.queuedBytes = 0;
    this.queuedMessages = 0;
    this.events.closed(this, this.closeReason ?? 'the connection closed');
  }
}
