import { expect } from 'chai';
import { EchoGateway, MySuperSpecificError } from '../fixtures/echo.js';
import { RpcConnectionError, RpcError } from '../../src/rpc/errors.js';
import { kRpcPaths, startEcho, useRpcService } from '../support/paths.js';

for (const path of kRpcPaths) {
  describe(`asks and tells (${path})`, () => {
    const service = useRpcService({}, path);

    it('a connected gateway reports the same address as the endpoint', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      expect(gateway.getAddress()).to.equal(address);
      expect(gateway.getHostname()).to.equal(/@([^/]+)\//.exec(address!)![1]);
    });

    it('answers an ask with the returned value, cloned', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      const value = { nested: { list: [1, 'two', null], when: new Date(0) }, big: 10n };
      const answer = await gateway.echo(value);
      expect(answer).to.deep.equal(value);
      expect(answer).to.not.equal(value);
    });

    it('answers null and undefined results', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      expect(await gateway.nothing()).to.equal(null);
      expect(await gateway.echo(undefined)).to.equal(undefined);
    });

    it('a thrown error reaches the caller with its class, message, code and remote stack', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      const error = await gateway.fail('my super specific test exception').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(MySuperSpecificError);
      const e = error as MySuperSpecificError;
      expect(e.message).to.equal('my super specific test exception');
      expect(e.code).to.equal('E_SUPER_SPECIFIC');
      expect(e.stack).to.include('EchoEndpoint.fail');
    });

    it('a returned promise that fails later propagates its error and cause', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      const error = (await gateway.failLater('some test').catch((e: unknown) => e)) as Error;
      expect(error).to.be.instanceOf(Error);
      expect(error.message).to.equal('some test');
      expect(error.cause).to.be.instanceOf(TypeError);
      expect((error.cause as Error).message).to.equal('the cause');
    });

    it('a tell returns undefined and 10 000 tells keep their order', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      for (let i = 0; i < 10_000; i++) expect(gateway.record(i)).to.equal(undefined);
      const seen = await gateway.recorded();
      expect(seen).to.have.length(10_000);
      expect(seen.every((v, i) => v === i)).to.equal(true);
    });

    it('the wildcard resolves the running endpoint', async () => {
      const [address] = await startEcho(service.rpc, path, ['resourcemanager_7']);
      const wildcard = address!.replace('resourcemanager_7', 'resourcemanager_*');
      const gateway = await service.rpc.connect(wildcard, EchoGateway);
      expect(gateway.getAddress()).to.equal(address);
      expect(await gateway.echo('found')).to.equal('found');
    });

    it('connecting to an address with no endpoint fails with RpcConnectionError naming it', async () => {
      const [address] = await startEcho(service.rpc, path);
      const missing = address!.replace('/echo', '/nobody');
      const error = await service.rpc.connect(missing, EchoGateway).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RpcConnectionError);
      expect((error as RpcError).code).to.equal('ERR_RPC_CONNECTION');
      expect((error as Error).message).to.include(missing);
    });

    it('a gateway is not a thenable, so it can be awaited', async () => {
      const [address] = await startEcho(service.rpc, path);
      const gateway = await service.rpc.connect(address!, EchoGateway);
      expect((gateway as unknown as { then?: unknown }).then).to.equal(undefined);
      expect(await Promise.resolve(gateway)).to.equal(gateway);
    });
  });
}

describe('connecting', () => {
  const service = useRpcService();

  it('connect("foobar") fails with RpcConnectionError, not a hang', async () => {
    const error = await service.rpc.connect('foobar', EchoGateway).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcConnectionError);
    expect((error as Error).message).to.include('foobar');
  });

  it('an address on a thread that does not exist fails at once', async () => {
    const error = await service.rpc
      .connect('node://flink@thread-9999/user/rpc/x', EchoGateway)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcConnectionError);
  });
});
