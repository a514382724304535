// Backpressure towards a slow peer: frames wait for 'drain' once the socket's
// write() returns false, the queue per peer is bounded, and a send to a full
// queue fails at once with OutboundQueueFullError, never growing memory.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createServer, type TLSSocket } from 'node:tls';
import { FrameDecoder, FrameType, encodeControlFrame } from '../../src/actor/tcp/frame-codec.js';
import { kNodeMajor, kTcpProtocolVersion } from '../../src/actor/tcp/handshake.js';
import type { TcpLink } from '../../src/actor/tcp/tcp-link.js';
import { OutboundQueueFullError } from '../../src/rpc/errors.js';
import { eventually } from '../support/eventually.js';
import { useRpcService } from '../support/paths.js';
import { testCerts } from '../support/test-certs.js';

/** A peer that completes the handshake and then reads nothing until told to. */
async function stalledPeer(): Promise<{
  port: number;
  resume(): void;
  received(): number;
  close(): Promise<void>;
}> {
  const certs = await testCerts();
  const sockets = new Set<TLSSocket>();
  let received = 0;
  const server = createServer({
    key: readFileSync(certs.files.key),
    cert: readFileSync(certs.files.cert),
    ca: readFileSync(certs.files.ca),
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const decoder = new FrameDecoder(
      {
        frame: (type) => {
          if (type !== FrameType.Hello) return;
          const { port } = server.address() as { port: number };
          const hello = { protocol: 'threadlink', version: kTcpProtocolVersion, node: kNodeMajor, system: 'flink', host: `127.0.0.1:${port}`, uid: 'stalled', maxFrameBytes: 10 * 1024 * 1024 };
          socket.write(encodeControlFrame(FrameType.HelloAck, hello));
          socket.pause();
        },
        oversized: () => socket.destroy(),
      },
      64 * 1024 * 1024,
    ); // prettier-ignore
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      decoder.push(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    resume: () => sockets.forEach((s) => s.resume()),
    received: () => received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('backpressure towards a peer that stops reading', () => {
  const limit = 1024 * 1024;
  const service = useRpcService(
    { askTimeoutMs: 60_000, remote: { outboundQueueBytes: limit, outboundQueueSize: 2000 } },
    'across processes',
  );

  it('queues until the bound, then fails asks at once with ERR_RPC_OUTBOUND_QUEUE_FULL, and drains when the peer reads', async () => {
    const peer = await stalledPeer();
    try {
      const system = service.rpc.system;
      const ref = system.refFor({ protocol: 'node+tcp', system: 'flink', host: `127.0.0.1:${peer.port}`, path: '/user/rpc/sink' });
      const payload = 'x'.repeat(64 * 1024);
      const asks: Promise<unknown>[] = [];
      let sent = 0;
      // Each rejected ask leaves the pending table at once, inside ask().
      while (sent < 5000 && system.metrics().pendingAsks === sent) {
        asks.push(ref.ask(payload, 60_000, 'fill').catch((e: unknown) => e));
        sent++;
        // Let the handshake finish and the writes start before the socket is found full.
        if (sent === 1) await eventually(() => (ref.link as TcpLink).isConnected, 'the handshake');
        if (sent % 4 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      expect(sent).to.be.lessThan(5000);
      const refused = (await asks[sent - 1]) as OutboundQueueFullError;
      expect(refused).to.be.instanceOf(OutboundQueueFullError);
      expect(refused.code).to.equal('ERR_RPC_OUTBOUND_QUEUE_FULL');
      expect(refused.message).to.include('outbound queue').and.include(`127.0.0.1:${peer.port}`);
      const queued = service.rpc.metrics().outboundQueuedBytes;
      // What the check let in fits the bound; the socket's own buffer (its highWaterMark) comes on top.
      expect(queued).to.be.greaterThan(limit / 2).and.at.most(limit);
      // Tells to the full queue are dead letters, counted.
      const deadLetters = service.rpc.metrics().deadLetters;
      let tells = 0;
      while (service.rpc.metrics().deadLetters === deadLetters && tells < 100) {
        ref.tell(payload, 'fill');
        tells++;
      }
      expect(tells).to.be.at.most(Math.ceil(limit / payload.length) + 1);

      peer.resume();
      await eventually(() => service.rpc.metrics().outboundQueuedBytes === 0, 'the queue to drain');
      const pending = system.metrics().pendingAsks;
      const accepted = ref.ask('after the drain', 60_000, 'after').catch((e: unknown) => e);
      expect(system.metrics().pendingAsks).to.equal(pending + 1);
      await service.rpc.closeAsync();
      expect(((await accepted) as Error).name).to.equal('RecipientUnreachableError');
    } finally {
      await peer.close();
    }
  }); // prettier-ignore
});
