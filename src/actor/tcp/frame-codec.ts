// Length-prefixed frames on a TCP stream: a u32 big-endian length, then a type
// byte and the payload. Data frames carry v8.serialize of a flat envelope batch,
// so values keep structured-clone semantics; handshake frames are JSON, so that
// peers whose v8 wire format differs can still read why they were refused.
// Mirrors Pekko Artery's framing, with its frame-size check on both sides.
//
// node:v8 is loaded with the first data frame, not at import: every worker
// thread bundles this module, and most never open a TCP connection.

import type * as v8 from 'node:v8';

export const FrameType = { Hello: 1, HelloAck: 2, Refuse: 3, Data: 4 } as const;

/** Length prefix and type byte. */
export const kHeaderBytes = 5;
/** Handshake frames are small; an unauthenticated peer cannot make us buffer more. */
export const kMaxControlFrameBytes = 4096;
/** Room for the envelope around a message of maxFrameBytes: kind, id, path. */
export const kEnvelopeOverheadBytes = 4096;

const kPlaceholder = Buffer.alloc(kHeaderBytes);

let v8Module: typeof v8 | undefined;
let FrameDeserializer: ReturnType<typeof frameDeserializerClass> | undefined;

function lazyV8(): typeof v8 {
  return (v8Module ??= process.getBuiltinModule('node:v8'));
}

/**
 * One buffer per frame, so that one write sends it. The header is reserved
 * inside the serializer's own buffer, which spares a copy of the payload.
 */
export function encodeDataFrame(value: unknown): Buffer {
  const serializer = new (lazyV8().DefaultSerializer)();
  serializer.writeRawBytes(kPlaceholder);
  serializer.writeHeader();
  serializer.writeValue(value);
  const frame = serializer.releaseBuffer();
  frame.writeUInt32BE(frame.length - 4, 0);
  frame[4] = FrameType.Data;
  return frame;
}

export function encodeControlFrame(type: number, payload: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  const frame = Buffer.allocUnsafe(kHeaderBytes + json.length);
  frame.writeUInt32BE(json.length + 1, 0);
  frame[4] = type;
  json.copy(frame, kHeaderBytes);
  return frame;
}

// The index DefaultSerializer writes for each view type (node's lib/v8.js); 10 is Buffer.
const kViewTypes: readonly (
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | DataViewConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
)[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  DataView,
  Uint8Array, // a Buffer arrives as a Uint8Array, as it does through postMessage
  BigInt64Array,
  BigUint64Array,
];

/**
 * DefaultDeserializer returns typed arrays that are views into the frame,
 * whose ArrayBuffer holds other messages too; structured clone gives each its
 * own buffer, so this one copies.
 */
function frameDeserializerClass(builtin: typeof v8) {
  return class FrameDeserializer extends builtin.DefaultDeserializer {
    _readHostObject(): unknown {
      const ctor = kViewTypes[this.readUint32()];
      const byteLength = this.readUint32();
      if (ctor === undefined) throw new TypeError('unknown host object type in frame');
      const bytes = this.readRawBytes(byteLength);
      const copy = new ArrayBuffer(byteLength);
      new Uint8Array(copy).set(bytes);
      if (ctor === DataView) return new DataView(copy);
      const size = (ctor as Uint8ArrayConstructor).BYTES_PER_ELEMENT;
      if (byteLength % size !== 0) throw new RangeError('misaligned typed array in frame');
      return new (ctor as Uint8ArrayConstructor)(copy, 0, byteLength / size);
    }
  };
}

/** The value of a data frame's payload (the bytes after the type byte). Throws on garbage. */
export function decodeDataPayload(payload: Buffer): unknown {
  FrameDeserializer ??= frameDeserializerClass(lazyV8());
  const deserializer = new FrameDeserializer(payload);
  deserializer.readHeader();
  return deserializer.readValue();
}

export interface FrameSink {
  /** A whole frame: its type byte (0 for an empty frame) and payload, a view valid until the next push. */
  frame(type: number, payload: Buffer): void;
  /** A length prefix over the limit: the stream cannot be trusted any more. */
  oversized(length: number): void;
}

/**
 * Cuts a byte stream into frames. A length over the limit is reported as soon
 * as its four bytes arrive, before any of its body is buffered.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being assembled, once its prefix has arrived. */
  private pending = -1;
  private stopped = false;

  constructor(
    private readonly sink: FrameSink,
    public limit: number,
  ) {}

  stop(): void {
    this.stopped = true;
    this.chunks = [];
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.buffered === 0) {
      this.parse(chunk);
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.pending < 0) {
      if (this.buffered < 4) return;
      const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.pending = head.readUInt32BE(0);
      if (this.pending > this.limit) {
        this.overLimit(this.pending);
        return;
      }
    }
    if (this.buffered < 4 + this.pending) return;
    const whole = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    this.pending = -1;
    this.parse(whole);
  }

  private parse(data: Buffer): void {
    let offset = 0;
    while (!this.stopped && data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (length > this.limit) {
        this.overLimit(length);
        return;
      }
      if (data.length - offset - 4 < length) break;
      if (length === 0) this.sink.frame(0, data.subarray(offset + 4, offset + 4));
      else this.sink.frame(data[offset + 4]!, data.subarray(offset + kHeaderBytes, offset + 4 + length));
      offset += 4 + length;
    }
    if (this.stopped || offset === data.length) return;
    const rest = data.subarray(offset);
    this.chunks = [rest];
    this.buffered = rest.length;
    this.pending = rest.length >= 4 ? rest.readUInt32BE(0) : -1;
  }

  private overLimit(length: number): void {
    this.stop();
    this.sink.oversized(length);
  }
}
