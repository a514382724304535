// The runtime's own checks of its settings (heartbeat timeout ≥ interval, slots ≥ 1,
// positive registration timeouts, blob sizes, a ZooKeeper quorum when HA is on),
// run on a config file as soon as it is read, so that a value each key's convert
// lets through fails here, naming the file and line, instead of at start-up.

import { BlobServiceConfiguration } from '../../runtime/blob/blob-service-configuration.js';
import type { ConfigValue } from '../../runtime/configuration/config-option.js';
import { Configuration } from '../../runtime/configuration/configuration.js';
import { HeartbeatServicesConfiguration } from '../../runtime/configuration/heartbeat-services-configuration.js';
import { IllegalConfigurationError } from '../../runtime/configuration/illegal-configuration-error.js';
import { RetryingRegistrationConfiguration } from '../../runtime/configuration/retrying-registration-configuration.js';
import { TaskManagerConfiguration } from '../../runtime/configuration/task-manager-configuration.js';
import { HighAvailabilityMode } from '../../runtime/highavailability/high-availability-mode.js';
import { ZooKeeperClientConfiguration } from '../../runtime/highavailability/zookeeper/zookeeper-client-configuration.js';
import { ConfigFileError } from './cli-usage-error.js';

const kSettingsChecks: readonly ((conf: Configuration) => unknown)[] = [
  HeartbeatServicesConfiguration.fromConfiguration,
  RetryingRegistrationConfiguration.fromConfiguration,
  TaskManagerConfiguration.fromConfiguration,
  BlobServiceConfiguration.fromConfiguration,
  (conf) =>
    HighAvailabilityMode.fromConfig(conf) === 'ZOOKEEPER' &&
    ZooKeeperClientConfiguration.fromConfiguration(conf),
];

/**
 * Runs the checks on `values`, read from `file`; the first IllegalConfigurationError
 * becomes a ConfigFileError at the line of the key its message names.
 */
export function checkSettings(
  file: string,
  values: Readonly<Record<string, ConfigValue>>,
  lineOf: (key: string) => number | undefined,
): void {
  const conf = new Configuration(values);
  for (const check of kSettingsChecks) {
    try {
      check(conf);
    } catch (error) {
      if (!(error instanceof IllegalConfigurationError)) throw error;
      // The key named first ("Invalid configuration value for <key> : …"); of two that start
      // there, the longer, so that heartbeat.timeout is not taken for heartbeat.time.
      const key = Object.keys(values)
        .map((candidate) => ({ candidate, at: error.message.indexOf(candidate) }))
        .filter(({ at }) => at >= 0)
        .sort((a, b) => a.at - b.at || b.candidate.length - a.candidate.length)[0]?.candidate;
      throw new ConfigFileError(
        { file, problem: 'invalid-value', line: key === undefined ? undefined : lineOf(key), key },
        error.message,
        { cause: error },
      );
    }
  }
}
