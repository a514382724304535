import { expect } from 'chai';
import { EchoGateway } from '../fixtures/echo.js';
import { LeaderGateway } from '../fixtures/fenced.js';
import { kRpcVersion } from '../../src/rpc/rpc-messages.js';
import {
  FencingTokenError,
  HandshakeError,
  RpcConnectionError,
  RpcInvalidStateError,
  UnknownMessageError,
} from '../../src/rpc/errors.js';
import { kRpcPaths, startEcho, startLeader, useRpcService } from '../support/paths.js';

for (const path of kRpcPaths) {
  describe(`fencing (${path})`, () => {
    const service = useRpcService({}, path);

    it('a call with the right token succeeds; with a wrong token it fails with FencingTokenError', async () => {
      const address = await startLeader(service.rpc, path, 'token-1');
      const right = await service.rpc.connectFenced(address, 'token-1', LeaderGateway);
      expect(await right.whoAmI()).to.equal('leader token-1');
      expect(right.getFencingToken()).to.equal('token-1');
      const wrong = await service.rpc.connectFenced(address, 'token-2', LeaderGateway);
      const error = await wrong.whoAmI().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(FencingTokenError);
      expect((error as FencingTokenError).code).to.equal('ERR_FENCING_TOKEN');
      expect((error as Error).message)
        .to.include('token-2')
        .and.include('token-1');
    });

    it('an unfenced gateway to a fenced endpoint fails with UnknownMessage and has no token', async () => {
      const address = await startLeader(service.rpc, path, 'token-1');
      const unfenced = await service.rpc.connect(address, LeaderGateway);
      const error = await unfenced.whoAmI().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(UnknownMessageError);
      expect((error as UnknownMessageError).code).to.equal('ERR_UNKNOWN_MESSAGE');
      expect(() => unfenced.getFencingToken()).to.throw(RpcInvalidStateError);
    });
  });

  describe(`handshake (${path})`, () => {
    const service = useRpcService({}, path);

    it('connecting with a gateway the endpoint does not serve fails with HandshakeError', async () => {
      const address = await startLeader(service.rpc, path, 't');
      const error = await service.rpc.connect(address, EchoGateway).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HandshakeError);
      expect(error).to.be.instanceOf(RpcConnectionError);
      expect((error as HandshakeError).code).to.equal('ERR_HANDSHAKE');
      expect((error as Error).message).to.include('does not support the gateway EchoGateway');
    });

    it('an endpoint refuses a handshake of another rpc version with HandshakeError', async () => {
      const [address] = await startEcho(service.rpc, path);
      const ref = await service.rpc.system.selection(address!).resolveOne(1000);
      const error = await ref.ask({ hs: 'EchoGateway', v: 99 }, 1000).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HandshakeError);
      expect((error as Error).message).to.include(
        `Version mismatch between source (99) and target (${kRpcVersion})`,
      );
    });

    it('a matching version and gateway pass the handshake', async () => {
      const [address] = await startEcho(service.rpc, path);
      const ref = await service.rpc.system.selection(address!).resolveOne(1000);
      expect(await ref.ask({ hs: 'EchoGateway', v: kRpcVersion }, 1000)).to.equal(true);
    });
  });
}
