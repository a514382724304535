// Death watch across processes (Pekko Artery's association, gate and
// quarantine): a lost connection fails every pending ask at once, the next send
// after the reconnect gate dials again, and a peer that restarted on the same
// address is a new incarnation that never answers the old one's asks.

import { expect } from 'chai';
import { EchoGateway } from '../fixtures/echo.js';
import { start as startEchoHere } from '../fixtures/echo.js';
import { RecipientUnreachableError, RemoteHandshakeError, RpcConnectionError } from '../../src/rpc/errors.js';
import { kEchoModule, startRemote, useRpcService } from '../support/paths.js';

describe('death watch across processes', () => {
  let now = 0;
  const service = useRpcService({ askTimeoutMs: 60_000, remote: { clock: () => now } }, 'across processes');
  beforeEach(() => (now = 0));

  it('100 asks pending at a peer killed with SIGKILL all fail with RecipientUnreachable within 1 s', async () => {
    const remote = await startRemote(kEchoModule, { ids: ['echo'] });
    const gateway = await service.rpc.connect((remote.result as string[])[0]!, EchoGateway);
    const pending = Array.from({ length: 100 }, () => gateway.slow(60_000).catch((e: unknown) => e));
    // Answered after the 100 arrived (one connection keeps the order): all are pending there.
    expect(await gateway.echo('after them')).to.equal('after them');
    expect(service.rpc.metrics().pendingAsks).to.equal(100);
    const killedAt = performance.now();
    await remote.kill('SIGKILL');
    const errors = await Promise.all(pending);
    const elapsed = performance.now() - killedAt;
    for (const error of errors) {
      expect(error).to.be.instanceOf(RecipientUnreachableError);
      expect((error as Error).message)
        .to.include('EchoGateway.slow')
        .and.include('connection');
    }
    expect(elapsed).to.be.lessThan(1000);
  });

  it('while the reconnect gate is closed, asks fail fast and tells are dead letters; then the next send dials again', async () => {
    const remote = await startRemote(kEchoModule, { ids: ['echo'] });
    const address = (remote.result as string[])[0]!;
    const gateway = await service.rpc.connect(address, EchoGateway);
    await remote.kill();
    // The loss may still be on its way: wait until the link has seen it.
    const gated = await gateway.echo(1).catch((e: unknown) => e);
    expect(gated).to.be.instanceOf(RecipientUnreachableError);
    const again = (await gateway.echo(2).catch((e: unknown) => e)) as Error;
    expect(again).to.be.instanceOf(RecipientUnreachableError);
    expect(again.message).to.include('reconnecting in 100 ms');
    const deadLetters = service.rpc.metrics().deadLetters;
    gateway.record('lost');
    expect(service.rpc.metrics().deadLetters).to.equal(deadLetters + 1);
    expect(service.rpc.metrics().connections).to.equal(0);
    // The gate opens: the next ask dials, finds nobody, and the gate closes for twice as long.
    now += 100;
    const refused = (await gateway.echo(3).catch((e: unknown) => e)) as Error;
    expect(refused).to.be.instanceOf(RecipientUnreachableError);
    expect(refused.message).to.include('ECONNREFUSED');
    expect(((await gateway.echo(4).catch((e: unknown) => e)) as Error).message).to.include(
      'reconnecting in 200 ms',
    );
  });

  it('a peer restarted on the same address is a new incarnation, reached by the next send after the gate', async () => {
    const first = await startRemote(kEchoModule, { ids: ['echo'] });
    const address = (first.result as string[])[0]!;
    const port = Number(/:(\d+)\//.exec(address)![1]);
    const gateway = await service.rpc.connect(address, EchoGateway);
    gateway.record('to the first incarnation');
    const pending = gateway.slow(60_000).catch((e: unknown) => e);
    expect(await gateway.recorded()).to.deep.equal(['to the first incarnation']);
    await first.kill();
    expect(await pending).to.be.instanceOf(RecipientUnreachableError);
    const second = await startRemote(kEchoModule, { ids: ['echo'] }, {}, { port });
    expect(second.result).to.deep.equal([address]);
    now += 100;
    // Same address, same gateway: the new incarnation answers, and knows nothing of the old one's tells.
    expect(await gateway.echo('again')).to.equal('again');
    expect(await gateway.recorded()).to.deep.equal([]);
  });

  it('asks to an incarnation replaced behind a live connection fail at once, and the old one is quarantined', async () => {
    const [localAddress] = await startEchoHere(service.rpc, { ids: ['local'] });
    const old = await startRemote(kEchoModule, { ids: ['echo'] });
    const oldAddress = (old.result as string[])[0]!;
    const oldPort = Number(/:(\d+)\//.exec(oldAddress)![1]);
    const toOld = await service.rpc.connect(oldAddress, EchoGateway);
    const pending = toOld.slow(60_000).catch((e: unknown) => e);
    expect(await toOld.echo('old is up')).to.equal('old is up');
    // A successor on the old one's host and port (a restarted system) calls this service before this
    // side has seen the old connection go: what went to the old incarnation fails at once.
    const successor = await startRemote(
      kEchoModule,
      { ids: ['successor'], greet: localAddress },
      {},
      { advertisedPort: oldPort },
    );
    const error = (await pending) as Error;
    expect(error).to.be.instanceOf(RecipientUnreachableError);
    expect(error.message).to.include('new incarnation');
    // The old incarnation still runs on that port; once the successor is gone, dialing it finds the
    // quarantined uid and refuses it. Wait until this side has seen the successor's connection close,
    // or the echo could still go out on it and fail as unreachable.
    const successorGone = new Promise<void>((resolve) => service.rpc.watch(oldAddress, () => resolve()));
    await successor.kill();
    await successorGone;
    now += 100;
    const refused = (await toOld.echo('old again?').catch((e: unknown) => e)) as RemoteHandshakeError;
    expect(refused).to.be.instanceOf(RemoteHandshakeError);
    expect(refused).to.be.instanceOf(RpcConnectionError);
    expect(refused.code).to.equal('ERR_RPC_REMOTE_HANDSHAKE');
    expect(refused.refusal).to.equal('QUARANTINED');
    await old.kill();
  });
});
