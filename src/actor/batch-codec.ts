// A micro-batch of envelopes as one flat array, kSlots entries per envelope.
// Structured clone and v8.serialize pay per object and per property name, so
// flat frames cloned about 1.7x faster than arrays of envelope objects
// (measured with raw ports). Both the MessagePort and the TCP link use it.

import { Kind, type DataEnvelope } from './protocol.js';

/** Slots per envelope in a frame: kind, id, to, body (or error). */
export const kSlots = 4;

/**
 * Appends the envelope's kSlots entries, `undefined` in the ones its kind does
 * not use. Appending keeps the frame a packed array: one made with
 * `new Array(n)` stays holey however it is filled, and V8's serializer writes a
 * holey array as a sparse one, index by index (a frame of 64 envelopes: 35 µs
 * to serialize and deserialize, against 20 µs packed; a frame of one: 8.0
 * against 7.5 µs, and 3–12% fewer bytes).
 */
export function appendEnvelope(frame: unknown[], envelope: DataEnvelope): void {
  switch (envelope.k) {
    case Kind.Tell:
      frame.push(envelope.k, undefined, envelope.to, envelope.body);
      return;
    case Kind.Ask:
      frame.push(envelope.k, envelope.id, envelope.to, envelope.body);
      return;
    case Kind.Reply:
      frame.push(envelope.k, envelope.id, undefined, envelope.body);
      return;
    case Kind.Failure:
      frame.push(envelope.k, envelope.id, undefined, envelope.error);
      return;
  }
}

export function encodeBatch(batch: readonly DataEnvelope[]): unknown[] {
  const frame: unknown[] = [];
  for (let i = 0; i < batch.length; i++) appendEnvelope(frame, batch[i]!);
  return frame;
}

/** The envelope at `at`, not yet checked: pass it to checkDataEnvelope. */
export function decodeAt(frame: unknown[], at: number): unknown {
  const k = frame[at];
  if (k === Kind.Failure) return { k, id: frame[at + 1], error: frame[at + 3] };
  return { k, id: frame[at + 1], to: frame[at + 2], body: frame[at + 3] };
}
