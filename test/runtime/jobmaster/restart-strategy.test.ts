// Ports Flink's FixedDelayRestartBackoffTimeStrategyTest, plus the zero-attempt
// configuration threadlink uses when a job asks for no restarts.

import { expect } from 'chai';

import {
  FixedDelayRestartBackoffTimeStrategy,
  kNoRestart,
} from '../../../src/runtime/jobmaster/restart-strategy.js';

describe('FixedDelayRestartBackoffTimeStrategy', () => {
  it('allows exactly the configured number of restarts, and asking does not count (testNumberOfRestarts)', () => {
    const strategy = new FixedDelayRestartBackoffTimeStrategy({ attempts: 3, delayMs: 0 });

    for (let restartsLeft = 3; restartsLeft > 0; restartsLeft--) {
      strategy.notifyFailure();
      expect(strategy.canRestart()).to.equal(true);
      expect(strategy.canRestart()).to.equal(true);
    }
    strategy.notifyFailure();

    expect(strategy.canRestart()).to.equal(false);
    expect(strategy.getNumberOfFailures()).to.equal(4);
  });

  it('backs off by the configured delay (testBackoffTime)', () => {
    const strategy = new FixedDelayRestartBackoffTimeStrategy({ attempts: 1, delayMs: 10_000 });

    expect(strategy.getBackoffTime()).to.equal(10_000);
  });

  it('leaves no restart after the first failure without attempts', () => {
    const strategy = new FixedDelayRestartBackoffTimeStrategy(kNoRestart);
    expect(strategy.canRestart()).to.equal(true);

    strategy.notifyFailure();

    expect(strategy.canRestart()).to.equal(false);
  });
});
