// A micro-batch of envelopes as one flat array, kSlots entries per envelope.
// Structured clone and v8.serialize pay per object and per property name, so
// flat frames cloned about 1.7x faster than arrays of envelope objects
// (measured with raw ports). Both the MessagePort and the TCP link use it.

import { Kind, type DataEnvelope } from './protocol.js';

/** Slots per envelope in a frame: kind, id, to, body (or error). */
export const kSlots = 4;

export function encodeInto(frame: unknown[], at: number, envelope: DataEnvelope): void {
  frame[at] = envelope.k;
  switch (envelope.k) {
    case Kind.Tell:
      frame[at + 2] = envelope.to;
      frame[at + 3] = envelope.body;
      return;
    case Kind.Ask:
      frame[at + 1] = envelope.id;
      frame[at + 2] = envelope.to;
      frame[at + 3] = envelope.body;
      return;
    case Kind.Reply:
      frame[at + 1] = envelope.id;
      frame[at + 3] = envelope.body;
      return;
    case Kind.Failure:
      frame[at + 1] = envelope.id;
      frame[at + 3] = envelope.error;
      return;
  }
}

export function encodeBatch(batch: readonly DataEnvelope[]): unknown[] {
  const frame: unknown[] = new Array(batch.length * kSlots);
  for (let i = 0; i < batch.length; i++) encodeInto(frame, i * kSlots, batch[i]!);
  return frame;
}

/** The envelope at `at`, not yet checked: pass it to checkDataEnvelope. */
export function decodeAt(frame: unknown[], at: number): unknown {
  const k = frame[at];
  if (k === Kind.Failure) return { k, id: frame[at + 1], error: frame[at + 3] };
  return { k, id: frame[at + 1], to: frame[at + 2], body: frame[at + 3] };
}
