import { expect } from 'chai';
import { defineGateway, type RpcGateway } from '../../src/rpc/gateway.js';
import { RpcEndpoint } from '../../src/rpc/rpc-endpoint.js';
import { RpcInvalidStateError, RpcTimeoutError } from '../../src/rpc/errors.js';
import type { ScheduledTask } from '../../src/rpc/scheduled-executor.js';
import { useRpcService } from '../support/paths.js';

interface CounterGateway extends RpcGateway {
  increment(): void;
  checked(): Promise<string>;
}
const CounterGateway = defineGateway<CounterGateway>('CounterGateway', { increment: 'tell', checked: 'ask' });

interface OtherGateway extends RpcGateway {
  other(): Promise<string>;
}
const OtherGateway = defineGateway<OtherGateway>('OtherGateway', { other: 'ask' });

class CounterEndpoint extends RpcEndpoint {
  static override gateways = [CounterGateway, OtherGateway];
  count = 0;
  concurrent = false;
  private inside = false;

  private enter(): void {
    if (this.inside) this.concurrent = true;
    this.inside = true;
    this.validateRunsInMainThread();
  }

  private leave(): void {
    this.inside = false;
  }

  increment(): void {
    this.enter();
    this.count++;
    this.leave();
  }

  async checked(): Promise<string> {
    this.validateRunsInMainThread();
    return 'ok';
  }

  async other(): Promise<string> {
    return 'other';
  }

  run(task: () => void): void {
    this.runAsync(() => {
      this.enter();
      task();
      this.leave();
    });
  }

  call<T>(task: () => T, timeoutMs: number): Promise<T> {
    return this.callAsync(() => {
      this.enter();
      try {
        return task();
      } finally {
        this.leave();
      }
    }, timeoutMs);
  }

  later(task: () => void, delayMs: number): ScheduledTask {
    return this.scheduleRunAsync(task, delayMs);
  }
}

describe('main-thread execution', () => {
  const service = useRpcService();

  it('tells, 10 000 runAsync calls and a callAsync never run concurrently, and run in order', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    const gateway = endpoint.getSelfGateway(CounterGateway);
    gateway.increment();
    gateway.increment();
    gateway.increment();
    for (let i = 0; i < 10_000; i++) endpoint.run(() => endpoint.count++);
    const result = await endpoint.call(() => `test ${endpoint.count}`, 5000);
    expect(result).to.equal('test 10003');
    expect(endpoint.concurrent).to.equal(false);
  });

  it('validateRunsInMainThread passes through the gateway and throws on a direct call', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    expect(await endpoint.getSelfGateway(CounterGateway).checked()).to.equal('ok');
    expect(() => endpoint.validateRunsInMainThread()).to.throw(
      RpcInvalidStateError,
      'main thread constraint',
    );
  });

  it('the self gateway serves each declared gateway and refuses others', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    expect(await endpoint.getSelfGateway(OtherGateway).other()).to.equal('other');
    const Unknown = defineGateway<OtherGateway>('UnknownGateway', { other: 'ask' });
    expect(() => endpoint.getSelfGateway(Unknown)).to.throw(TypeError, 'UnknownGateway');
  });

  it('callAsync runs in the main thread and fails with RpcTimeoutError when it takes too long', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    expect(await endpoint.call(() => 42, 1000)).to.equal(42);
    const error = await endpoint.call(() => new Promise(() => {}), 50).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcTimeoutError);
    expect((error as Error).message).to.include('callAsync');
  });

  it('callAsync passes values by reference, even ones that cannot be cloned', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    const fn = () => 'a function';
    expect(await endpoint.call(() => fn, 1000)).to.equal(fn);
  });

  it('scheduleRunAsync never runs early, and runs in the main thread', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    const scheduled = performance.now();
    const ran = await new Promise<number>((resolve) =>
      endpoint.later(() => {
        endpoint.validateRunsInMainThread();
        resolve(performance.now());
      }, 20),
    );
    expect(ran - scheduled).to.be.at.least(19);
  });

  it('a cancelled scheduled task reports cancelled and never runs', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    let ran = false;
    const task = endpoint.later(() => (ran = true), 10);
    expect(task.cancel()).to.equal(true);
    expect(task.isCancelled).to.equal(true);
    expect(task.cancel()).to.equal(false);
    await new Promise<void>((resolve) => endpoint.later(resolve, 30));
    expect(ran).to.equal(false);
  });

  it('termination cancels the timers the endpoint scheduled, and scheduling after it is refused', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    endpoint.start();
    const task = endpoint.later(() => {}, 60_000);
    await endpoint.closeAsync();
    expect(task.isCancelled).to.equal(true);
    const after = endpoint.later(() => {}, 1);
    expect(after.isCancelled).to.equal(true);
    expect(() => endpoint.later(() => {}, -1)).to.throw(RangeError, 'delay must be zero or greater');
  });

  it("the service's scheduled executor honours delays and is cancelled when the service closes", async () => {
    const executor = service.rpc.getScheduledExecutor();
    const started = performance.now();
    await new Promise<void>((resolve) => executor.schedule(resolve, 15));
    expect(performance.now() - started).to.be.at.least(14);
    await new Promise<void>((resolve) => executor.execute(resolve));
    const never = executor.schedule(() => {
      throw new Error('must not run');
    }, 60_000);
    await service.rpc.closeAsync();
    expect(never.isCancelled).to.equal(true);
  });

  it("the service's executor runs an execute right after this turn, not on a timer, and drops it when the service closes", async () => {
    const executor = service.rpc.getScheduledExecutor();
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      executor.execute(() => order.push('execute'));
      // Immediates run in order; a zero-delay timer would wait for the clock's next millisecond.
      setImmediate(() => {
        order.push('immediate after it');
        resolve();
      });
    });
    expect(order).to.deep.equal(['execute', 'immediate after it']);
    executor.execute(() => order.push('after close'));
    await service.rpc.closeAsync();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(order).to.deep.equal(['execute', 'immediate after it']);
  });

  it('is running only between onStart and onStop', async () => {
    const endpoint = new CounterEndpoint(service.rpc);
    expect(endpoint.isRunning()).to.equal(false);
    endpoint.start();
    await endpoint.call(() => undefined, 1000);
    expect(endpoint.isRunning()).to.equal(true);
    await endpoint.closeAsync();
    expect(endpoint.isRunning()).to.equal(false);
  });
});
