// The ZooKeeper client's settings and namespace from a Configuration, as Flink's
// ZooKeeperUtils.startCuratorFramework reads them: the quorum is required (whitespace
// removed), the namespace is <path.root>/<cluster-id>, timeouts must be positive.

import type { Configuration } from '../../configuration/configuration.js';
import { HighAvailabilityOptions } from '../../configuration/high-availability-options.js';
import { IllegalConfigurationError } from '../../configuration/illegal-configuration-error.js';
import type { ZooKeeperClientOptions } from './zookeeper-types.js';
import { generateZookeeperPath } from './zookeeper-paths.js';

export interface ZooKeeperClientConfiguration {
  readonly clientOptions: ZooKeeperClientOptions;
  /** The absolute path every node of this cluster lives under, e.g. /flink/default. */
  readonly namespace: string;
}

export const ZooKeeperClientConfiguration = {
  fromConfiguration(conf: Configuration): ZooKeeperClientConfiguration {
    const {
      HA_ZOOKEEPER_QUORUM,
      HA_ZOOKEEPER_ROOT,
      HA_CLUSTER_ID,
      ZOOKEEPER_SESSION_TIMEOUT,
      ZOOKEEPER_CONNECTION_TIMEOUT,
      ZOOKEEPER_RETRY_WAIT,
      ZOOKEEPER_MAX_RETRY_ATTEMPTS,
      ZOOKEEPER_TOLERATE_SUSPENDED_CONNECTIONS,
    } = HighAvailabilityOptions;
    const connectString = (conf.getOptional(HA_ZOOKEEPER_QUORUM) ?? '').replace(/\s+/g, '');
    if (connectString === '') {
      throw new IllegalConfigurationError(
        'No valid ZooKeeper quorum has been specified. You can specify the quorum via the ' +
          `configuration key '${HA_ZOOKEEPER_QUORUM.key}'.`,
      );
    }
    const positive = (option: typeof ZOOKEEPER_SESSION_TIMEOUT): number => {
      const value = conf.get(option);
      if (!(value > 0))
        throw IllegalConfigurationError.invalidValue(option.key, value, 'must be larger than 0.');
      return value;
    };
    const maxRetryAttempts = conf.get(ZOOKEEPER_MAX_RETRY_ATTEMPTS);
    if (maxRetryAttempts < 0) {
      throw IllegalConfigurationError.invalidValue(
        ZOOKEEPER_MAX_RETRY_ATTEMPTS.key,
        maxRetryAttempts,
        'must not be negative.',
      );
    }
    return Object.freeze({
      namespace: generateZookeeperPath(conf.get(HA_ZOOKEEPER_ROOT), conf.get(HA_CLUSTER_ID)),
      clientOptions: Object.freeze({
        connectString,
        sessionTimeoutMs: positive(ZOOKEEPER_SESSION_TIMEOUT),
        connectionTimeoutMs: positive(ZOOKEEPER_CONNECTION_TIMEOUT),
        retryWaitMs: positive(ZOOKEEPER_RETRY_WAIT),
        maxRetryAttempts,
        tolerateSuspendedConnections: conf.get(ZOOKEEPER_TOLERATE_SUSPENDED_CONNECTIONS),
      }),
    });
  },
};
