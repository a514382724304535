import { expect } from 'chai';
import { serialize } from 'node:v8';
import { checkOutgoing, FrameTooLargeError } from '../../src/actor/clone-check.js';

describe('the sender-side clone check', () => {
  it('estimates at least the real serialized size of common messages', () => {
    const samples: unknown[] = [
      ['echo', undefined, 1, 'two', null, true],
      { m: 'echo', a: [1, 'two', null, true] },
      { nested: { list: Array.from({ length: 100 }, (_, i) => ({ i, s: `v${i}` })) } },
      new Map([['k', new Set([1, 2])]]),
      'é'.repeat(1000),
      new Uint8Array(4096),
    ];
    for (const sample of samples) {
      expect(checkOutgoing(sample, 1 << 30)).to.be.at.least(serialize(sample).length - 8);
    }
  });

  it('refuses functions, symbols, promises and weak collections, however deep', () => {
    for (const bad of [() => 1, Symbol('x'), Promise.resolve(), new WeakMap(), { a: [{ b: () => 1 }] }]) {
      expect(() => checkOutgoing(bad, 1 << 20))
        .to.throw(DOMException)
        .with.property('name', 'DataCloneError');
    }
  });

  it('handles cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a, { back: a }];
    expect(checkOutgoing(a, 1 << 20)).to.be.a('number');
  });

  it('throws FrameTooLargeError with the exact size only when the real size is over the limit', () => {
    expect(() => checkOutgoing('x'.repeat(2000), 1000)).to.throw(FrameTooLargeError);
    // The estimate (2 bytes a char) is over the limit, the exact size (1 byte a char) is not.
    expect(checkOutgoing('x'.repeat(900), 1000)).to.be.lessThan(1000);
  });
});
