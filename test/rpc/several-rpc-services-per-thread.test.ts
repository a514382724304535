// Several RpcServices in one thread: each is its own actor system, with its own
// host (and, when it listens, its own port), they reach each other with cloned
// delivery, each brokers its own workers, and each closes on its own.

import { expect } from 'chai';
import { RecipientUnreachableError, RpcConnectionError } from '../../src/rpc/errors.js';
import { RpcService } from '../../src/rpc/rpc-service.js';
import { EchoGateway, start as startEchoHere } from '../fixtures/echo.js';
import { kEchoModule, startTlsService } from '../support/paths.js';

describe('several RpcServices in one thread', () => {
  const services: RpcService[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.closeAsync().catch(() => {})));
  });
  const create = (options = {}) => {
    const rpc = RpcService.create({ askTimeoutMs: 5000, ...options });
    services.push(rpc);
    return rpc;
  };

  it('each has its own host and name, and they call each other with clone semantics', async () => {
    const a = create();
    const b = create({ systemName: 'other' });
    expect(a.getAddress()).to.not.equal(b.getAddress());
    const [inB] = await startEchoHere(b, { ids: ['echo'] });
    expect(inB).to.match(/^node:\/\/other@thread-0\.\d+\/user\/rpc\/echo$/);
    const gateway = await a.connect(inB!, EchoGateway);
    const value = { list: [1, 2], when: new Date(0) };
    const answer = await gateway.echo(value);
    expect(answer).to.deep.equal(value);
    expect(answer).to.not.equal(value);
    expect(await gateway.threadHost()).to.equal(b.getAddress());
    expect(a.metrics().endpoints).to.equal(0);
    expect(b.metrics().endpoints).to.equal(1);
  });

  it('closing one fails the asks pending towards it at once, and the other runs on', async () => {
    const a = create({ askTimeoutMs: 60_000 });
    const b = create();
    const [inA] = await startEchoHere(a, { ids: ['a'] });
    const [inB] = await startEchoHere(b, { ids: ['b'] });
    const toB = await a.connect(inB!, EchoGateway);
    const pending = toB.slow(60_000).catch((e: unknown) => e);
    expect(await toB.echo('up')).to.equal('up');
    await b.closeAsync();
    const error = (await pending) as Error;
    expect(error).to.be.instanceOf(RecipientUnreachableError);
    expect(error.message).to.include('closed');
    expect(await toB.echo('gone').catch((e: unknown) => e)).to.be.instanceOf(RecipientUnreachableError);
    const toA = await a.connect(inA!, EchoGateway);
    expect(await toA.echo('a runs on')).to.equal('a runs on');
    // A new service gets a new host: refs to the closed one never reach it.
    const c = create();
    expect(c.getAddress()).to.not.equal(b.getAddress());
  });

  it('each brokers its own workers, and reaches the workers of the other through its broker', async () => {
    const a = create();
    const b = create();
    const [wa, wb] = await Promise.all([
      a.spawnWorker(kEchoModule, { workerData: { ids: ['wa'] } }),
      b.spawnWorker(kEchoModule, { workerData: { ids: ['wb'] } }),
    ]);
    const [inA] = await startEchoHere(a, { ids: ['a'] });
    const waAddress = (wa!.result as string[])[0]!;
    const wbAddress = (wb!.result as string[])[0]!;
    // a → b's worker, b's worker → a, and a's worker → b's worker: direct channels, brokered by main's services.
    const toWb = await a.connect(wbAddress, EchoGateway);
    expect(await toWb.echo('a to wb')).to.equal('a to wb');
    expect(await toWb.forward(inA!, 'wb to a')).to.equal('wb to a');
    const toWa = await b.connect(waAddress, EchoGateway);
    expect(await toWa.forward(wbAddress, 'wa to wb')).to.equal('wa to wb');
    expect(a.metrics().workers).to.equal(1);
    expect(b.metrics().workers).to.equal(1);
    // Closing b ends its worker; a's calls to it fail at once, a's own worker runs on.
    await b.closeAsync();
    expect(await toWb.echo('gone').catch((e: unknown) => e)).to.be.instanceOf(RecipientUnreachableError);
    const error = (await (await a.connect(waAddress, EchoGateway)).forward(wbAddress, 'x').catch((e: unknown) => e)) as Error;
    expect(error).to.be.instanceOf(RpcConnectionError);
  }); // prettier-ignore

  it('two that listen on TCP each get their own port, and still talk in-process', async () => {
    const a = await startTlsService({ askTimeoutMs: 5000 });
    services.push(a);
    const b = await startTlsService({ askTimeoutMs: 5000 });
    services.push(b);
    expect(a.getPort()).to.be.greaterThan(0);
    expect(b.getPort()).to.be.greaterThan(0).and.not.equal(a.getPort());
    const [inB] = await startEchoHere(b, { ids: ['echo'] });
    expect(inB).to.equal(`node+tcp://flink@127.0.0.1:${b.getPort()}/user/rpc/echo`);
    const gateway = await a.connect(inB!, EchoGateway);
    expect(await gateway.echo('same thread')).to.equal('same thread');
    expect(a.metrics().connections).to.equal(0);
    await a.closeAsync();
    expect(await startEchoHere(b, { ids: ['after'] })).to.have.length(1);
  });

  it('a worker thread can hold a service of its own next to its worker service', async () => {
    const a = create();
    const worker = await a.spawnWorker(new URL('../fixtures/second-service.js', import.meta.url));
    const [own, second] = worker.result as string[];
    expect(second).to.equal(`node://flink@thread-${worker.threadId}.1/user/rpc/second`);
    const toOwn = await a.connect(own!, EchoGateway);
    expect(await toOwn.forward(second!, 'own to second, in the worker')).to.equal(
      'own to second, in the worker',
    );
    await worker.terminate();
  });
});
