// A peer written by hand against the wire protocol: mutual TLS, a Hello, and
// then whatever frames a test wants to send, well-formed or not. It reads the
// replies with the transport's own frame decoder.

import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { Kind } from '../../src/actor/protocol.js';
import {
  decodeDataPayload,
  encodeControlFrame,
  encodeDataFrame,
  FrameDecoder,
  FrameType,
} from '../../src/actor/tcp/frame-codec.js';
import { kNodeMajor, kTcpProtocolVersion } from '../../src/actor/tcp/handshake.js';
import type { TestCerts } from './test-certs.js';

export class RawPeer {
  readonly closed: Promise<void>;
  private readonly replies = new Map<number, (value: unknown) => void>();
  private acked!: () => void;
  private readonly ack = new Promise<void>((resolve) => (this.acked = resolve));

  private constructor(private readonly socket: TLSSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    const decoder = new FrameDecoder(
      {
        frame: (type, payload) => {
          if (type === FrameType.HelloAck) this.acked();
          if (type !== FrameType.Data) return;
          const flat = decodeDataPayload(payload) as unknown[];
          for (let i = 0; i < flat.length; i += 4) {
            if (flat[i] === Kind.Reply || flat[i] === Kind.Failure) {
              this.replies.get(flat[i + 1] as number)?.(flat[i] === Kind.Reply ? flat[i + 3] : flat[i + 3]);
            }
          }
        },
        oversized: () => socket.destroy(),
      },
      64 * 1024 * 1024,
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
  }

  /** Connects with the cluster's certificate and completes the handshake as host 127.0.0.1:1. */
  static async connect(port: number, certs: TestCerts, system = 'flink'): Promise<RawPeer> {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: readFileSync(certs.files.ca),
      key: readFileSync(certs.files.key),
      cert: readFileSync(certs.files.cert),
    });
    const peer = new RawPeer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    socket.write(
      encodeControlFrame(FrameType.Hello, {
        protocol: 'threadlink',
        version: kTcpProtocolVersion,
        node: kNodeMajor,
        system,
        host: '127.0.0.1:1',
        uid: 'raw-peer',
        maxFrameBytes: 10 * 1024 * 1024,
      }),
    );
    await peer.ack;
    return peer;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Asks `message` of the actor at `path` with a hand-made frame; resolves with the reply's body. */
  ask(id: number, path: string, message: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      this.write(encodeDataFrame([Kind.Ask, id, path, message]));
    });
  }

  end(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  destroy(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}
