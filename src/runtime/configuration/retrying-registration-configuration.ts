// Backoff settings for RetryingRegistration, mirroring Flink's
// RetryingRegistrationConfiguration. Plain data, so a TaskExecutor's worker can
// receive it; `of` enforces Flink's rules and names the offending key.

import { ClusterOptions } from './cluster-options.js';
import type { Configuration } from './configuration.js';
import { IllegalConfigurationError } from './illegal-configuration-error.js';

export interface RetryingRegistrationConfiguration {
  readonly initialRegistrationTimeoutMs: number;
  readonly maxRegistrationTimeoutMs: number;
  readonly errorDelayMs: number;
  readonly refusedDelayMs: number;
}

export const RetryingRegistrationConfiguration = {
  of(settings: RetryingRegistrationConfiguration): RetryingRegistrationConfiguration {
    const { initialRegistrationTimeoutMs, maxRegistrationTimeoutMs, errorDelayMs, refusedDelayMs } = settings;
    check(
      initialRegistrationTimeoutMs > 0,
      ClusterOptions.INITIAL_REGISTRATION_TIMEOUT.key,
      initialRegistrationTimeoutMs,
      'initial registration timeout must be greater than zero',
    );
    check(
      maxRegistrationTimeoutMs > 0,
      ClusterOptions.MAX_REGISTRATION_TIMEOUT.key,
      maxRegistrationTimeoutMs,
      'maximum registration timeout must be greater than zero',
    );
    check(
      errorDelayMs >= 0,
      ClusterOptions.ERROR_REGISTRATION_DELAY.key,
      errorDelayMs,
      'delay on error must be non-negative',
    );
    check(
      refusedDelayMs >= 0,
      ClusterOptions.REFUSED_REGISTRATION_DELAY.key,
      refusedDelayMs,
      'delay on refused registration must be non-negative',
    );
    return Object.freeze({
      initialRegistrationTimeoutMs,
      maxRegistrationTimeoutMs,
      errorDelayMs,
      refusedDelayMs,
    });
  },

  fromConfiguration(conf: Configuration): RetryingRegistrationConfiguration {
    return RetryingRegistrationConfiguration.of({
      initialRegistrationTimeoutMs: conf.get(ClusterOptions.INITIAL_REGISTRATION_TIMEOUT),
      maxRegistrationTimeoutMs: conf.get(ClusterOptions.MAX_REGISTRATION_TIMEOUT),
      errorDelayMs: conf.get(ClusterOptions.ERROR_REGISTRATION_DELAY),
      refusedDelayMs: conf.get(ClusterOptions.REFUSED_REGISTRATION_DELAY),
    });
  },

  defaultConfiguration(): RetryingRegistrationConfiguration {
    return RetryingRegistrationConfiguration.of({
      initialRegistrationTimeoutMs: ClusterOptions.INITIAL_REGISTRATION_TIMEOUT.defaultValue,
      maxRegistrationTimeoutMs: ClusterOptions.MAX_REGISTRATION_TIMEOUT.defaultValue,
      errorDelayMs: ClusterOptions.ERROR_REGISTRATION_DELAY.defaultValue,
      refusedDelayMs: ClusterOptions.REFUSED_REGISTRATION_DELAY.defaultValue,
    });
  },
};

function check(condition: boolean, key: string, value: number, reason: string): void {
  if (!condition) throw IllegalConfigurationError.invalidValue(key, value, reason);
}
