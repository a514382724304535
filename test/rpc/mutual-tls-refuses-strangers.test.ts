// Mutual TLS with Flink's security.ssl.internal.* keys: a client without a
// certificate, with one from another CA, or speaking plain TCP is refused
// before any frame is read, and the server keeps serving its real peers.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { FrameType, encodeControlFrame } from '../../src/actor/tcp/frame-codec.js';
import {
  RecipientUnreachableError,
  RpcConfigurationError,
  RpcConnectionError,
} from '../../src/rpc/errors.js';
import { RpcService } from '../../src/rpc/rpc-service.js';
import { EchoGateway, start as startEchoHere } from '../fixtures/echo.js';
import { kEchoModule, startRemote, useRpcService } from '../support/paths.js';
import { testCerts } from '../support/test-certs.js';

interface Attempt {
  /** Bytes the server sent back after the TLS handshake: none, for a refused client. */
  readonly received: number;
  readonly error: string | undefined;
}

/** Connects, says Hello as a peer would, and reports what came back until the server closed the socket. */
function attempt(socket: Socket, secureEvent: 'secureConnect' | 'connect'): Promise<Attempt> {
  return new Promise((resolve) => {
    let received = 0;
    let error: string | undefined;
    socket.once(secureEvent, () => {
      const hello = { protocol: 'threadlink', version: 1, node: 20, system: 'flink', host: '127.0.0.1:1', uid: 'x', maxFrameBytes: 1 };
      socket.write(encodeControlFrame(FrameType.Hello, hello));
    }); // prettier-ignore
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', (e: Error) => (error ??= (e as NodeJS.ErrnoException).code ?? e.message));
    socket.on('close', () => resolve({ received, error }));
  });
}

describe('mutual TLS', () => {
  const service = useRpcService({}, 'across processes');

  it('refuses a client without a certificate, one from another CA, and a plain-TCP one, and keeps serving its peers', async () => {
    const certs = await testCerts();
    const [address] = await startEchoHere(service.rpc, { ids: ['echo'] });
    const port = service.rpc.getPort();
    const peer = await startRemote(kEchoModule, { ids: ['peer'] });
    const viaPeer = await service.rpc.connect((peer.result as string[])[0]!, EchoGateway);
    expect(await viaPeer.forward(address!, 'before')).to.equal('before');
    const ca = readFileSync(certs.files.ca);

    const noCertificate = await attempt(tlsConnect({ host: '127.0.0.1', port, ca }), 'secureConnect');
    const otherCa = await attempt(
      tlsConnect({
        host: '127.0.0.1',
        port,
        ca,
        key: readFileSync(certs.otherFiles.key),
        cert: readFileSync(certs.otherFiles.cert),
      }),
      'secureConnect',
    );
    const plain = await attempt(netConnect({ host: '127.0.0.1', port }), 'connect');

    for (const refused of [noCertificate, otherCa, plain])
      expect(refused.received, JSON.stringify(refused)).to.equal(0);
    expect(noCertificate.error).to.match(/CERTIFICATE_REQUIRED|ECONNRESET/);
    expect(service.rpc.metrics().refusedConnections).to.equal(3);
    expect(service.rpc.metrics().malformedFrames).to.equal(0);
    expect(await viaPeer.forward(address!, 'after')).to.equal('after');
    expect(service.rpc.metrics().pendingAsks).to.equal(0);
  });

  it('a system whose certificate another CA signed cannot connect to the cluster', async () => {
    const certs = await testCerts();
    const [address] = await startEchoHere(service.rpc, { ids: ['echo'] });
    const stranger = await startRemote(kEchoModule, { ids: ['stranger'] }, {}, { security: certs.otherCa });
    const local = await startRemote(kEchoModule, { ids: ['peer'] });
    // The stranger is asked, through a peer of the cluster it cannot reach either, to call this service.
    const viaLocal = await service.rpc.connect((local.result as string[])[0]!, EchoGateway);
    const strangerFails = (await viaLocal.forward((stranger.result as string[])[0]!, 'x').catch((e: unknown) => e)) as Error;
    expect(strangerFails).to.be.instanceOf(RpcConnectionError);
    expect(strangerFails.cause).to.be.instanceOf(RecipientUnreachableError);
    expect(await viaLocal.forward(address!, 'still fine')).to.equal('still fine');
  }); // prettier-ignore
});

describe('plain TCP', () => {
  it('is refused on a non-loopback address without an explicit insecure option', async () => {
    const error = await RpcService.start({
      remote: { bindHost: '0.0.0.0', advertisedHost: '192.0.2.1' },
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcConfigurationError);
    expect((error as Error).message).to.include('security.ssl.internal.enabled');
  });

  it('works on loopback between two processes, and refuses to dial a non-loopback host', async () => {
    const rpc = await RpcService.start({ remote: {} });
    try {
      const remote = await startRemote(kEchoModule, { ids: ['plain'] }, {}, { security: {} });
      const gateway = await rpc.connect((remote.result as string[])[0]!, EchoGateway);
      expect(await gateway.echo('in the clear, on loopback')).to.equal('in the clear, on loopback');
      const error = (await rpc
        .connect('node+tcp://flink@192.0.2.1:6123/user/rpc/x', EchoGateway)
        .catch((e: unknown) => e)) as Error;
      expect(error).to.be.instanceOf(RpcConnectionError);
      expect((error.cause as Error).message).to.include('not a loopback address');
      await remote.kill();
    } finally {
      await rpc.closeAsync();
    }
  });
});
