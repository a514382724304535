// Bad input against a listening system in another process: seeded random
// frames, a length prefix of 2 GiB, a truncated frame and a valid frame with a
// garbage body. Malformed frames are dropped and counted, an oversized length
// closes only that connection before its body is read, and the endpoint keeps
// answering with its memory in bounds.

import { expect } from 'chai';
import { serialize } from 'node:v8';
import { Kind } from '../../src/actor/protocol.js';
import { encodeDataFrame, FrameType } from '../../src/actor/tcp/frame-codec.js';
import { EchoGateway } from '../fixtures/echo.js';
import { kEchoModule, startRemote, useRpcService } from '../support/paths.js';
import { RawPeer } from '../support/raw-peer.js';
import { testCerts } from '../support/test-certs.js';

const kEcho = '/user/rpc/echo';

function frame(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(payload.length + 1, 0);
  header[4] = type;
  return Buffer.concat([header, payload]);
}

function sparseArray(length: number): unknown[] {
  const array: unknown[] = [];
  array.length = length;
  return array;
}

/** A deterministic generator (an LCG), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function randomFrame(random: () => number): Buffer {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  switch (Math.floor(random() * 10)) {
    case 8: // a sparse frame: 50 bytes that claim 4 billion slots
      return encodeDataFrame(sparseArray(4e9));
    case 9: // an ask whose invocation is a sparse array of 3 billion arguments
      return encodeDataFrame([Kind.Ask, 3e9 + Math.floor(random() * 1e6), kEcho, Object.assign(sparseArray(3e9), { 0: 'echo' })]);
    case 0: // any type, any bytes
      return frame(Math.floor(random() * 256), bytes(Math.floor(random() * 2000)));
    case 1: // a data frame of random bytes
      return frame(FrameType.Data, bytes(Math.floor(random() * 2000)));
    case 2: // a v8 header, then random bytes
      return frame(FrameType.Data, Buffer.concat([Buffer.from([0xff, 0x0f]), bytes(Math.floor(random() * 500))]));
    case 3: // valid v8, not an envelope batch
      return frame(FrameType.Data, serialize(random() < 0.5 ? 'a string' : { k: 1, to: 5 }).subarray(0));
    case 4: // envelopes with bad fields
      return encodeDataFrame([Kind.Ask, 'not-an-id', kEcho, {}, 7, 1, 2, 3]);
    case 5: // an ask to nobody, and an unknown method: both answered with failures
      return encodeDataFrame([Kind.Ask, 1e9 + Math.floor(random() * 1e6), '/user/rpc/nobody', {}, Kind.Ask, 2e9, kEcho, ['nope', undefined]]);
    case 6: // a second Hello after the handshake
      return frame(FrameType.Hello, Buffer.from('{}'));
    default: // an empty frame
      return Buffer.alloc(4);
  }
} // prettier-ignore

describe('bad frames against a listening system in another process', function () {
  this.timeout(60_000);
  const service = useRpcService({}, 'across processes');

  it('3000 seeded random frames, a 2 GiB length, a truncated frame and a garbage body: it still answers, in bounded memory', async () => {
    const certs = await testCerts();
    const remote = await startRemote(kEchoModule, { ids: ['echo'] });
    const address = (remote.result as string[])[0]!;
    const port = Number(/:(\d+)\//.exec(address)![1]);
    const gateway = await service.rpc.connect(address, EchoGateway);
    const before = await gateway.stats();

    const random = seeded(42);
    const raw = await RawPeer.connect(port, certs);
    for (let i = 0; i < 3000; i++) raw.write(randomFrame(random));
    // The same connection still carries a well-formed ask, after all of them.
    expect(await raw.ask(7, kEcho, ['echo', undefined, 'after 3000 bad frames'])).to.equal('after 3000 bad frames');
    const afterRandom = await gateway.stats();
    expect(afterRandom.malformedFrames - before.malformedFrames).to.be.greaterThan(1000);

    // A valid frame whose body is garbage is dropped; the connection stays.
    const garbage = Buffer.concat([Buffer.from([0xff, 0x0f, 0x6f]), Buffer.from('garbage garbage garbage')]);
    raw.write(frame(FrameType.Data, garbage));
    expect(await raw.ask(8, kEcho, ['echo', undefined, 'after garbage'])).to.equal('after garbage');

    // A length prefix of 2 GiB closes that connection at once: nothing is buffered.
    raw.write(Buffer.from([0x80, 0, 0, 0, FrameType.Data]));
    await raw.closed;

    // A truncated frame, then the peer goes away.
    const truncated = await RawPeer.connect(port, certs);
    const head = Buffer.alloc(5 + 10);
    head.writeUInt32BE(1000, 0);
    head[4] = FrameType.Data;
    truncated.write(head);
    await truncated.end();

    expect(await gateway.echo('still answering')).to.equal('still answering');
    const after = await gateway.stats();
    expect(after.malformedFrames).to.be.greaterThan(afterRandom.malformedFrames);
    expect(after.rss - before.rss, 'RSS growth in bytes').to.be.lessThan(50 * 1024 * 1024);
    await remote.kill();
  }); // prettier-ignore
});
