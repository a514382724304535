// Duration strings, with the units of Flink's TimeUtils.parseDuration.

import { expect } from 'chai';

import { parseDurationMs } from '../../../src/runtime/configuration/duration.js';

describe('parseDurationMs', () => {
  it('reads a bare number as milliseconds', () => {
    expect(parseDurationMs('100')).to.equal(100);
    expect(parseDurationMs(' 7 ')).to.equal(7);
  });

  it('reads ms, s, min, h and d, with or without a space and in their long forms', () => {
    expect(parseDurationMs('100 ms')).to.equal(100);
    expect(parseDurationMs('100ms')).to.equal(100);
    expect(parseDurationMs('10 s')).to.equal(10_000);
    expect(parseDurationMs('10 seconds')).to.equal(10_000);
    expect(parseDurationMs('5 min')).to.equal(300_000);
    expect(parseDurationMs('5 m')).to.equal(300_000);
    expect(parseDurationMs('1 h')).to.equal(3_600_000);
    expect(parseDurationMs('2 DAYS')).to.equal(172_800_000);
  });

  it('refuses unknown units, missing numbers, negatives and fractions', () => {
    expect(() => parseDurationMs('10 fortnights')).to.throw(TypeError, /not a time unit/);
    expect(() => parseDurationMs('ms')).to.throw(TypeError, /not a duration/);
    expect(() => parseDurationMs('-5 s')).to.throw(TypeError);
    expect(() => parseDurationMs('1.5 s')).to.throw(TypeError);
    expect(() => parseDurationMs('')).to.throw(TypeError);
  });
});
