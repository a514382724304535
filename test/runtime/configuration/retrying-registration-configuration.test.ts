// Ported from Flink's RetryingRegistrationConfigurationTest, plus its constructor checks.

import { expect } from 'chai';

import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { IllegalConfigurationError } from '../../../src/runtime/configuration/illegal-configuration-error.js';
import { RetryingRegistrationConfiguration } from '../../../src/runtime/configuration/retrying-registration-configuration.js';

describe('RetryingRegistrationConfiguration', () => {
  it('maps the four cluster.registration keys', () => {
    const conf = new Configuration({
      'cluster.registration.initial-timeout': 1,
      'cluster.registration.max-timeout': 2,
      'cluster.registration.error-delay': 3,
      'cluster.registration.refused-registration-delay': 4,
    });

    expect(RetryingRegistrationConfiguration.fromConfiguration(conf)).to.deep.equal({
      initialRegistrationTimeoutMs: 1,
      maxRegistrationTimeoutMs: 2,
      errorDelayMs: 3,
      refusedDelayMs: 4,
    });
  });

  it("uses Flink's defaults", () => {
    const expected = {
      initialRegistrationTimeoutMs: 100,
      maxRegistrationTimeoutMs: 30_000,
      errorDelayMs: 10_000,
      refusedDelayMs: 30_000,
    };
    expect(RetryingRegistrationConfiguration.defaultConfiguration()).to.deep.equal(expected);
    expect(RetryingRegistrationConfiguration.fromConfiguration(new Configuration())).to.deep.equal(expected);
  });

  for (const [key, value, reason] of [
    ['cluster.registration.initial-timeout', 0, 'initial registration timeout must be greater than zero'],
    ['cluster.registration.max-timeout', -1, 'maximum registration timeout must be greater than zero'],
    ['cluster.registration.error-delay', -1, 'delay on error must be non-negative'],
    [
      'cluster.registration.refused-registration-delay',
      -5,
      'delay on refused registration must be non-negative',
    ],
  ] as const) {
    it(`refuses ${key} = ${value}`, () => {
      const conf = new Configuration({ [key]: value });
      expect(() => RetryingRegistrationConfiguration.fromConfiguration(conf)).to.throw(
        IllegalConfigurationError,
        `Invalid configuration value for ${key} : ${value} - ${reason}`,
      );
    });
  }

  it('accepts zero delays', () => {
    const conf = new Configuration({
      'cluster.registration.error-delay': 0,
      'cluster.registration.refused-registration-delay': 0,
    });
    expect(RetryingRegistrationConfiguration.fromConfiguration(conf).errorDelayMs).to.equal(0);
  });
});
