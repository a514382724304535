import { expect } from 'chai';
import { defineGateway, type RpcGateway } from '../../src/rpc/gateway.js';
import { RpcEndpoint } from '../../src/rpc/rpc-endpoint.js';
import {
  EndpointNotStartedError,
  RecipientUnreachableError,
  RpcError,
  RpcInvalidStateError,
} from '../../src/rpc/errors.js';
import type { RpcService } from '../../src/rpc/rpc-service.js';
import { useRpcService } from '../support/paths.js';

interface LifecycleGateway extends RpcGateway {
  ping(): Promise<string>;
  isRunningNow(): Promise<boolean>;
}
const LifecycleGateway = defineGateway<LifecycleGateway>('LifecycleGateway', {
  ping: 'ask',
  isRunningNow: 'ask',
});

/** An endpoint whose hooks a test can steer. */
class TestEndpoint extends RpcEndpoint {
  static override gateways = [LifecycleGateway];
  readonly events: string[] = [];
  onStartImpl: () => void | Promise<void> = () => {};
  onStopImpl: () => void | Promise<void> = () => {};

  constructor(rpc: RpcService, id?: string) {
    super(rpc, id);
  }

  protected override onStart(): void | Promise<void> {
    this.events.push('onStart');
    this.validateRunsInMainThread();
    return this.onStartImpl();
  }

  protected override onStop(): void | Promise<void> {
    this.events.push('onStop');
    this.validateRunsInMainThread();
    return this.onStopImpl();
  }

  async ping(): Promise<string> {
    this.events.push('ping');
    return 'pong';
  }

  async isRunningNow(): Promise<boolean> {
    return this.isRunning();
  }

  call<T>(task: () => T, timeoutMs = 1000): Promise<T> {
    return this.callAsync(task, timeoutMs);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const result = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise((r) => setImmediate(() => r(marker))),
  ]);
  return result === marker;
}

describe('endpoint lifecycle', () => {
  const service = useRpcService();

  it('an ask before start fails with EndpointNotStarted; after start the same gateway works', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    const gateway = await service.rpc.connect(endpoint.getAddress(), LifecycleGateway);
    const error = await gateway.ping().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(EndpointNotStartedError);
    expect((error as RpcError).code).to.equal('ERR_ENDPOINT_NOT_STARTED');
    endpoint.start();
    expect(await gateway.ping()).to.equal('pong');
  });

  it('a tell before start is counted as a dead letter, not lost silently', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    const before = service.rpc.metrics().deadLetters;
    const runAsync = (endpoint as unknown as { runAsync(t: () => void): void }).runAsync.bind(endpoint);
    runAsync(() => endpoint.events.push('ran'));
    endpoint.start();
    await endpoint.call(() => undefined);
    expect(endpoint.events).to.not.include('ran');
    expect(service.rpc.metrics().deadLetters).to.equal(before + 1);
  });

  it('calls onStart when it starts, in the main thread, and is running afterwards', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.start();
    const gateway = await service.rpc.connect(endpoint.getAddress(), LifecycleGateway);
    expect(await gateway.isRunningNow()).to.equal(true);
    expect(endpoint.events).to.deep.equal(['onStart']);
  });

  it('a failing onStart terminates the endpoint with the original error in the cause chain', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.onStartImpl = () => {
      throw new Error('start failed');
    };
    endpoint.start();
    const error = (await endpoint.getTerminationFuture().catch((e: unknown) => e)) as RpcError;
    expect(error).to.be.instanceOf(RpcError);
    expect(error.message).to.include('Could not start RpcEndpoint');
    expect((error.cause as Error).message).to.equal('start failed');
  });

  it('a rejected onStart promise terminates the endpoint too', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.onStartImpl = () => Promise.reject(new Error('async start failed'));
    endpoint.start();
    const error = (await endpoint.getTerminationFuture().catch((e: unknown) => e)) as RpcError;
    expect((error.cause as Error).message).to.equal('async start failed');
  });

  it('the termination future is pending while running and completes after close', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.start();
    expect(await pending(endpoint.getTerminationFuture())).to.equal(true);
    await endpoint.closeAsync();
    expect(endpoint.events).to.deep.equal(['onStart', 'onStop']);
  });

  it('termination waits for the onStop promise', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    const stop = deferred();
    endpoint.onStopImpl = () => stop.promise;
    endpoint.start();
    const closed = endpoint.closeAsync();
    await endpoint.call(() => undefined).catch(() => {});
    expect(await pending(closed)).to.equal(true);
    stop.resolve();
    await closed;
  });

  it('a failed onStop fails the termination future', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.onStopImpl = () => Promise.reject(new Error('stop failed'));
    endpoint.start();
    const error = (await endpoint.closeAsync().catch((e: unknown) => e)) as RpcError;
    expect(error.message).to.include('Failure while stopping RpcEndpoint');
    expect((error.cause as Error).message).to.equal('stop failed');
  });

  it('onStop can wait for main-thread work without a deadlock', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.onStopImpl = async () => {
      const value = await endpoint.call(() => 'from main thread');
      endpoint.events.push(value);
    };
    endpoint.start();
    await endpoint.closeAsync();
    expect(endpoint.events).to.deep.equal(['onStart', 'onStop', 'from main thread']);
  });

  it('serves calls while TERMINATING, then fails the next call as unreachable once onStop completes', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    const stop = deferred();
    endpoint.onStopImpl = () => stop.promise;
    endpoint.start();
    const gateway = await service.rpc.connect(endpoint.getAddress(), LifecycleGateway);
    const closed = endpoint.closeAsync();
    expect(await gateway.ping()).to.equal('pong');
    expect(await gateway.isRunningNow()).to.equal(false);
    stop.resolve();
    await closed;
    const error = await gateway.ping().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RecipientUnreachableError);
    expect(endpoint.events.filter((e) => e === 'ping')).to.have.length(1);
  });

  it('calls onStop only once however often it is closed', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    const stop = deferred();
    endpoint.onStopImpl = () => stop.promise;
    endpoint.start();
    const first = endpoint.closeAsync();
    const second = endpoint.closeAsync();
    stop.resolve();
    await Promise.all([first, second, endpoint.closeAsync()]);
    expect(endpoint.events.filter((e) => e === 'onStop')).to.have.length(1);
  });

  it('terminating an endpoint that never started skips onStop', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    await endpoint.closeAsync();
    expect(endpoint.events).to.deep.equal([]);
  });

  it('a stopped endpoint refuses asks, and starts again', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.start();
    const gateway = await service.rpc.connect(endpoint.getAddress(), LifecycleGateway);
    endpoint.stop();
    expect(await gateway.ping().catch((e: unknown) => e)).to.be.instanceOf(EndpointNotStartedError);
    endpoint.start();
    expect(await gateway.ping()).to.equal('pong');
  });

  it('starting a terminated endpoint is an invalid state', async () => {
    const endpoint = new TestEndpoint(service.rpc);
    endpoint.start();
    await endpoint.closeAsync();
    expect(() => endpoint.start()).to.throw(RpcInvalidStateError, 'cannot go into state STARTED');
  });

  it('an endpoint id can be reused after termination, with the same address', async () => {
    const first = new TestEndpoint(service.rpc, 'reused');
    first.start();
    expect(() => new TestEndpoint(service.rpc, 'reused')).to.throw(RpcError, 'reused');
    await first.closeAsync();
    const second = new TestEndpoint(service.rpc, 'reused');
    expect(second.getAddress()).to.equal(first.getAddress());
  });

  it('creating an endpoint inside a termination callback does not deadlock', async () => {
    const first = new TestEndpoint(service.rpc);
    first.start();
    const created = first.closeAsync().then(() => {
      const next = new TestEndpoint(service.rpc);
      next.start();
      return next.call(() => 'alive');
    });
    expect(await created).to.equal('alive');
  });

  it('closing the service waits for the onStop of all its endpoints', async () => {
    const stops = Array.from({ length: 5 }, () => deferred());
    const endpoints = stops.map((stop) => {
      const endpoint = new TestEndpoint(service.rpc);
      endpoint.onStopImpl = () => stop.promise;
      endpoint.start();
      return endpoint;
    });
    await Promise.all(endpoints.map((e) => e.call(() => undefined)));
    const closed = service.rpc.closeAsync();
    for (const stop of stops.slice(0, 4)) stop.resolve();
    expect(await pending(closed)).to.equal(true);
    stops[4]!.resolve();
    await closed;
  });

  it('one failing onStop fails the service close, but everything is torn down', async () => {
    const endpoints = [0, 1, 2].map(() => new TestEndpoint(service.rpc));
    endpoints[1]!.onStopImpl = () => Promise.reject(new Error('one failed'));
    for (const e of endpoints) e.start();
    await Promise.all(endpoints.map((e) => e.call(() => undefined)));
    const error = (await service.rpc.closeAsync().catch((e: unknown) => e)) as Error;
    expect((error.cause as Error).message).to.equal('one failed');
    expect(service.rpc.metrics().endpoints).to.equal(0);
    expect(endpoints.every((e) => e.events.includes('onStop'))).to.equal(true);
  });
});
