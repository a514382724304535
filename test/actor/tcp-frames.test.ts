// The TCP framing: one buffer per frame, a stream cut into frames however it
// arrives, an oversized length reported before any of its body is buffered,
// and typed arrays that come out with buffers of their own, as with structured clone.

import { expect } from 'chai';
import {
  decodeDataPayload,
  encodeDataFrame,
  FrameDecoder,
  FrameType,
  kHeaderBytes,
} from '../../src/actor/tcp/frame-codec.js';

function collect(limit = 1 << 20) {
  const frames: { type: number; payload: Buffer }[] = [];
  const oversized: number[] = [];
  const decoder = new FrameDecoder(
    {
      frame: (type, payload) => frames.push({ type, payload: Buffer.from(payload) }),
      oversized: (length) => oversized.push(length),
    },
    limit,
  );
  return { decoder, frames, oversized };
}

describe('TCP frames', () => {
  it('a data frame is one buffer: length, type, v8 payload', () => {
    const frame = encodeDataFrame([1, 'two', { three: 3 }]);
    expect(frame.readUInt32BE(0)).to.equal(frame.length - 4);
    expect(frame[4]).to.equal(FrameType.Data);
    expect(decodeDataPayload(frame.subarray(kHeaderBytes))).to.deep.equal([1, 'two', { three: 3 }]);
  });

  it('reassembles frames split into single bytes, and cuts several frames out of one chunk', () => {
    const a = encodeDataFrame(['a'.repeat(300)]);
    const b = encodeDataFrame([2]);
    const bytes = Buffer.concat([a, b, a]);
    const split = collect();
    for (const byte of bytes) split.decoder.push(Buffer.from([byte]));
    const whole = collect();
    whole.decoder.push(bytes);
    for (const { frames } of [split, whole]) {
      expect(frames.map((f) => decodeDataPayload(f.payload))).to.deep.equal([['a'.repeat(300)], [2], ['a'.repeat(300)]]);
    }
  }); // prettier-ignore

  it('reports a length over the limit as soon as its prefix arrives, and reads nothing after it', () => {
    const { decoder, frames, oversized } = collect(1000);
    decoder.push(encodeDataFrame(['fine']));
    decoder.push(Buffer.from([0x80, 0x00]));
    expect(oversized).to.deep.equal([]);
    decoder.push(Buffer.from([0x00, 0x00]));
    expect(oversized).to.deep.equal([0x80000000]);
    decoder.push(encodeDataFrame(['ignored']));
    expect(frames).to.have.length(1);
  });

  it('reports an empty frame as type 0', () => {
    const { decoder, frames } = collect();
    decoder.push(Buffer.alloc(4));
    expect(frames).to.deep.equal([{ type: 0, payload: Buffer.alloc(0) }]);
  });

  it('gives typed arrays their own buffer, and a Buffer arrives as a Uint8Array, as through postMessage', () => {
    const value = { bytes: new Uint8Array([1, 2, 3]), doubles: new Float64Array([1.5]), buffer: Buffer.from('hi') };
    const frame = encodeDataFrame([value, 'x'.repeat(100)]);
    const [decoded] = decodeDataPayload(frame.subarray(kHeaderBytes)) as [typeof value];
    expect([...decoded.bytes]).to.deep.equal([1, 2, 3]);
    expect(decoded.bytes.buffer.byteLength).to.equal(3);
    expect([...decoded.doubles]).to.deep.equal([1.5]);
    expect(decoded.buffer).to.be.instanceOf(Uint8Array);
    expect(Buffer.isBuffer(decoded.buffer)).to.equal(false);
    expect(Buffer.from(decoded.buffer).toString()).to.equal('hi');
  }); // prettier-ignore

  it('refuses a garbage payload with an error, never a crash', () => {
    for (const garbage of [
      Buffer.alloc(0),
      Buffer.from([0xff]),
      Buffer.from([0xff, 0x0f, 0x5c, 0x99, 0x99]),
    ]) {
      expect(() => decodeDataPayload(garbage)).to.throw();
    }
  });
});
