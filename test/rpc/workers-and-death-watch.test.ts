import { expect } from 'chai';
import { EchoGateway } from '../fixtures/echo.js';
import { RecipientUnreachableError, RpcConnectionError, RpcError } from '../../src/rpc/errors.js';
import { kEchoModule, useRpcService } from '../support/paths.js';

describe('worker threads', () => {
  const service = useRpcService();

  it('spawnWorker resolves with the thread id and what start() returned', async () => {
    const worker = await service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['a', 'b'] } });
    expect(worker.threadId).to.be.greaterThan(0);
    expect(worker.result).to.deep.equal([
      `node://flink@thread-${worker.threadId}/user/rpc/a`,
      `node://flink@thread-${worker.threadId}/user/rpc/b`,
    ]);
    const gateway = await service.rpc.connect((worker.result as string[])[1]!, EchoGateway);
    expect(await gateway.threadHost()).to.equal(`thread-${worker.threadId}`);
  });

  it('a worker calls another worker over a direct channel', async () => {
    const [a, b] = await Promise.all([
      service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['a'] } }),
      service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['b'] } }),
    ]);
    const aGateway = await service.rpc.connect((a!.result as string[])[0]!, EchoGateway);
    const bAddress = (b!.result as string[])[0]!;
    expect(await aGateway.forward(bAddress, { hello: 'b' })).to.deep.equal({ hello: 'b' });
    // Many calls each way at once, including both sides asking for the channel together.
    const bGateway = await service.rpc.connect(bAddress, EchoGateway);
    const aAddress = aGateway.getAddress();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 ? aGateway.forward(bAddress, i) : bGateway.forward(aAddress, i),
      ),
    );
    expect(results).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
  });

  it('runs many workers at once, each answering', async () => {
    const workers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        service.rpc.spawnWorker(kEchoModule, { workerData: { ids: [`w${i}`] } }),
      ),
    );
    const gateways = await Promise.all(
      workers.map((w) => service.rpc.connect((w.result as string[])[0]!, EchoGateway)),
    );
    const answers = await Promise.all(gateways.map((g, i) => g.echo(i)));
    expect(answers).to.deep.equal(workers.map((_, i) => i));
    expect(new Set(workers.map((w) => w.threadId)).size).to.equal(12);
  });

  it('a module whose start() throws fails spawnWorker with that error, and the worker ends', async () => {
    const bad = new URL('../fixtures/failing-start.js', import.meta.url);
    const error = (await service.rpc.spawnWorker(bad).catch((e: unknown) => e)) as Error;
    expect(error).to.be.instanceOf(RangeError);
    expect(error.message).to.equal('cannot start here');
    expect(service.rpc.metrics().workers).to.equal(0);
  });

  it('a module without start() is refused with a clear error', async () => {
    const none = new URL('../fixtures/no-start.js', import.meta.url);
    const error = (await service.rpc.spawnWorker(none).catch((e: unknown) => e)) as Error;
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.include('does not export a start(rpc, workerData) function');
  });

  it('the admin channel reports metrics, and terminate() closes the worker gracefully', async () => {
    const worker = await service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['m'] } });
    const metrics = await worker.metrics();
    expect(metrics.threadId).to.equal(worker.threadId);
    expect(metrics.endpoints).to.equal(1);
    expect(metrics.heapUsedBytes).to.be.greaterThan(0);
    await worker.terminate();
    expect(await worker.exited).to.be.a('number');
  });

  it('spawnWorker is refused after the service is closed', async () => {
    await service.rpc.closeAsync();
    const error = await service.rpc.spawnWorker(kEchoModule).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcError);
  });
});

describe('death watch', () => {
  const service = useRpcService({ askTimeoutMs: 60_000 });

  it('a pending ask rejects with RecipientUnreachable as soon as the worker dies, not at its timeout', async () => {
    const worker = await service.rpc.spawnWorker(kEchoModule);
    const gateway = await service.rpc.connect((worker.result as string[])[0]!, EchoGateway);
    const pending = gateway.slow(60_000).catch((e: unknown) => e);
    const started = performance.now();
    await worker.kill();
    const error = await pending;
    expect(error).to.be.instanceOf(RecipientUnreachableError);
    expect((error as Error).message).to.include('EchoGateway.slow');
    expect(performance.now() - started).to.be.lessThan(5_000);
    // Later sends fail fast the same way.
    expect(await gateway.echo(1).catch((e: unknown) => e)).to.be.instanceOf(RecipientUnreachableError);
  });

  it('a worker learns at once that a peer worker died while it waited on it', async () => {
    const [a, b] = await Promise.all([
      service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['a'] } }),
      service.rpc.spawnWorker(kEchoModule, { workerData: { ids: ['b'] } }),
    ]);
    const aGateway = await service.rpc.connect((a!.result as string[])[0]!, EchoGateway);
    const bAddress = (b!.result as string[])[0]!;
    await aGateway.forward(bAddress, 'warm up');
    const tellsBefore = (await a!.metrics()).deadLetters;
    await b!.kill();
    // forward() connects first, so the failure is a connection error caused by the dead peer.
    const error = (await aGateway.forward(bAddress, 'gone').catch((e: unknown) => e)) as Error;
    expect(error).to.be.instanceOf(RpcConnectionError);
    expect(error.cause).to.be.instanceOf(RecipientUnreachableError);
    expect((error.cause as Error).message).to.include('exited');
    expect((await a!.metrics()).deadLetters).to.equal(tellsBefore);
  });

  it('an endpoint closed in a worker answers later calls with RecipientUnreachable', async () => {
    const worker = await service.rpc.spawnWorker(kEchoModule);
    const gateway = await service.rpc.connect((worker.result as string[])[0]!, EchoGateway);
    await worker.terminate();
    expect(await gateway.echo(1).catch((e: unknown) => e)).to.be.instanceOf(RecipientUnreachableError);
  });

  it('a tell to a dead worker is counted as a dead letter', async () => {
    const worker = await service.rpc.spawnWorker(kEchoModule);
    const gateway = await service.rpc.connect((worker.result as string[])[0]!, EchoGateway);
    await worker.kill();
    const before = service.rpc.metrics().deadLetters;
    gateway.record('lost');
    expect(service.rpc.metrics().deadLetters).to.equal(before + 1);
  });

  it('closing the service rejects the asks still pending on it', async () => {
    const worker = await service.rpc.spawnWorker(kEchoModule);
    const gateway = await service.rpc.connect((worker.result as string[])[0]!, EchoGateway);
    const pending = gateway.slow(60_000).catch((e: unknown) => e);
    await service.rpc.closeAsync();
    expect(await pending).to.be.instanceOf(RecipientUnreachableError);
  });
});
