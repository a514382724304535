// The connection handshake: a peer of another protocol version, Node major or
// system name is refused with a coded error on both sides: the dialer's calls
// fail with RemoteHandshakeError (ERR_RPC_REMOTE_HANDSHAKE) naming the refusal,
// and the side that refused counts it.

import { expect } from 'chai';
import { kNodeMajor } from '../../src/actor/tcp/handshake.js';
import { RemoteHandshakeError, RpcConnectionError } from '../../src/rpc/errors.js';
import { EchoGateway, start as startEchoHere } from '../fixtures/echo.js';
import { eventually } from '../support/eventually.js';
import { kEchoModule, startRemote, useRpcService } from '../support/paths.js';

const kMismatches = [
  { what: 'another protocol version', remote: { helloOverrides: { version: 99 } }, service: {}, refusal: 'PROTOCOL_VERSION_MISMATCH', says: 'Protocol version mismatch' },
  { what: 'another Node major', remote: { helloOverrides: { node: kNodeMajor + 1 } }, service: {}, refusal: 'NODE_MAJOR_MISMATCH', says: `Node ${kNodeMajor + 1}` },
  { what: 'another system name', remote: {}, service: { systemName: 'other' }, refusal: 'SYSTEM_NAME_MISMATCH', says: '"other"' },
] as const; // prettier-ignore

describe('the connection handshake across processes', () => {
  const service = useRpcService({}, 'across processes');

  for (const m of kMismatches) {
    it(`a peer with ${m.what} is refused when this side dials it, with ${m.refusal}`, async () => {
      const remote = await startRemote(kEchoModule, { ids: ['echo'] }, m.service, m.remote);
      const error = (await service.rpc
        .connect((remote.result as string[])[0]!, EchoGateway)
        .catch((e: unknown) => e)) as RpcConnectionError;
      expect(error).to.be.instanceOf(RpcConnectionError);
      const cause = error.cause as RemoteHandshakeError;
      expect(cause).to.be.instanceOf(RemoteHandshakeError);
      expect(cause.code).to.equal('ERR_RPC_REMOTE_HANDSHAKE');
      expect(cause.refusal).to.equal(m.refusal);
      expect(cause.message).to.include(m.says);
    });

    it(`a peer with ${m.what} that dials this side is refused here, and counted`, async () => {
      const [local] = await startEchoHere(service.rpc, { ids: ['local'] });
      const error = (await startRemote(kEchoModule, { greet: local }, m.service, m.remote).catch(
        (e: unknown) => e,
      )) as Error;
      // The child could not greet: its error names the coded refusal this side sent it.
      expect(error.message).to.include('RemoteHandshakeError [ERR_RPC_REMOTE_HANDSHAKE]');
      expect(error.message).to.include(`(refusal ${m.refusal})`);
      expect(service.rpc.metrics().refusedConnections).to.equal(1);
      await eventually(() => service.rpc.metrics().connections === 0, 'the refused connection to close');
    });
  }

  it('peers that agree pass the handshake and keep one connection', async () => {
    const remote = await startRemote(kEchoModule, { ids: ['echo'] });
    const gateway = await service.rpc.connect((remote.result as string[])[0]!, EchoGateway);
    expect(await gateway.echo('agreed')).to.equal('agreed');
    expect(service.rpc.metrics()).to.include({ connections: 1, refusedConnections: 0 });
  });
});
