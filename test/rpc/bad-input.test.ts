import { expect } from 'chai';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { EchoGateway } from '../fixtures/echo.js';
import {
  RpcFrameSizeError,
  RpcSerializationError,
  RpcTimeoutError,
  UnknownMessageError,
} from '../../src/rpc/errors.js';
import { kRpcPaths, startEcho, useRpcService } from '../support/paths.js';
import { RpcService } from '../../src/rpc/rpc-service.js';
import { kEchoModule } from '../support/paths.js';

for (const path of kRpcPaths) {
  describe(`bad input is refused at the sender (${path})`, () => {
    const service = useRpcService({ maxFrameBytes: 32_000 }, path);

    it('an argument that cannot be cloned rejects at once with ERR_RPC_SERIALIZATION', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      for (const bad of [() => 1, { callback: () => 1 }, Symbol('s'), Promise.resolve(1), new WeakMap()]) {
        const error = await gateway.echo(bad).catch((e: unknown) => e);
        expect(error, String(bad)).to.be.instanceOf(RpcSerializationError);
        expect((error as RpcSerializationError).code).to.equal('ERR_RPC_SERIALIZATION');
        expect((error as Error).message).to.include('EchoGateway.echo');
      }
      expect(() => gateway.record(() => 1)).to.throw(RpcSerializationError);
      expect(await gateway.echo('still fine')).to.equal('still fine');
    });

    it('a call with more arguments than an invocation carries fails at once with ERR_RPC_SERIALIZATION', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      const many = Array.from({ length: 256 }, (_, i) => i);
      const error = await gateway.describeAll(...many).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RpcSerializationError);
      expect((error as RpcSerializationError).code).to.equal('ERR_RPC_SERIALIZATION');
      expect((error as Error).message).to.include('256 arguments');
      expect(() => (gateway.record as (...args: unknown[]) => void)(...many)).to.throw(RpcSerializationError);
      expect(await gateway.describeAll(...many.slice(1))).to.have.length(255);
    });

    it('a frame over maxFrameBytes rejects at once with ERR_RPC_FRAME_SIZE', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      const error = await gateway.echo('x'.repeat(32_001)).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RpcFrameSizeError);
      expect((error as RpcFrameSizeError).code).to.equal('ERR_RPC_FRAME_SIZE');
      expect((error as Error).message).to.include('32000');
      expect(await gateway.echo('x'.repeat(10_000))).to.have.length(10_000);
    });

    it('an ASCII argument just under the limit passes the exact check', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      expect(await gateway.echo('y'.repeat(31_000))).to.have.length(31_000);
    });

    it('a timed-out ask names the method and the recipient', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      const error = await gateway.slow(50).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RpcTimeoutError);
      expect((error as Error).message)
        .to.include('EchoGateway.slow')
        .and.include(address!);
      expect((error as Error).message).to.include('50 ms');
    });
  });
}

describe('bad input at the receiver', () => {
  it('thousands of random malformed frames are answered or dropped, and the system still answers', async () => {
    const rpc = RpcService.create({ askTimeoutMs: 5000 });
    try {
      const worker = await rpc.spawnWorker(kEchoModule, { workerData: { ids: ['echo'] } });
      // Reach the worker's data port the way a buggy peer would: a raw port
      // posing as a brokered channel is not possible, so post straight into the
      // main thread's link to the worker with the system's transport.
      const link = (rpc.system as unknown as { transport: { link(h: string): unknown } }).transport.link(
        worker.host,
      ) as { port: MessagePort | undefined };
      const port = link.port!;
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const junk = (): unknown => {
        switch (Math.floor(random() * 11)) {
          case 10: {
            // A sparse frame: a few bytes that claim 4 billion slots.
            const sparse: unknown[] = [];
            sparse.length = 4e9;
            return sparse;
          }
          case 0:
            return null;
          case 1:
            return 'garbage';
          case 2:
            return { k: Math.floor(random() * 20) - 5 };
          case 3:
            return { k: 1, to: 42, id: 'x' };
          case 4:
            return { k: 1, to: '/user/rpc/echo', id: Math.floor(random() * 1e6) + 1e9, body: [7, undefined] };
          case 5:
            return { k: 0, to: '/user/rpc/echo', body: ['nope', 42] };
          case 6:
            return { k: 2, id: 'abc' };
          case 7:
            return [1, { k: 3 }, { k: 1 }];
          case 8:
            return { k: 10, peer: 5 };
          default:
            return { k: 1, to: '/user/rpc/nobody', id: Math.floor(random() * 1e6) + 2e9, body: {} };
        }
      };
      for (let i = 0; i < 3000; i++) port.postMessage(junk());
      const gateway = await rpc.connect((worker.result as string[])[0]!, EchoGateway);
      expect(await gateway.echo('still answering')).to.equal('still answering');
      const metrics = await worker.metrics();
      expect(metrics.malformedFrames).to.be.greaterThan(500);
    } finally {
      await rpc.closeAsync();
    }
  });

  it('an unknown method is answered with UnknownMessage and the endpoint keeps running', async () => {
    const rpc = RpcService.create();
    try {
      const [address] = await startEcho(rpc, 'across threads');
      const ref = await rpc.system.selection(address!).resolveOne(1000);
      const error = await ref.ask(['noSuchMethod', undefined], 1000).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(UnknownMessageError);
      const gateway = await rpc.connect(address!, EchoGateway);
      expect(await gateway.echo(1)).to.equal(1);
    } finally {
      await rpc.closeAsync();
    }
  });

  it('a message that only fails to clone on the wire still fails fast, not by timeout', async () => {
    const rpc = RpcService.create({ askTimeoutMs: 60_000 });
    try {
      const [address] = await startEcho(rpc, 'across threads');
      const gateway = await rpc.connect(address!, EchoGateway);
      // A MessagePort passes the sender-side walk but cannot be cloned without a transfer list.
      const { port1, port2 } = new MessageChannel();
      const error = await gateway.echo(port1).catch((e: unknown) => e);
      port1.close();
      port2.close();
      expect(error).to.be.instanceOf(RpcSerializationError);
    } finally {
      await rpc.closeAsync();
    }
  });
});
