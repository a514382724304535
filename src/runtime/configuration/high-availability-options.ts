// High-availability options, with Flink's keys, old keys and defaults
// (HighAvailabilityOptions). Durations also take "60 s" where Flink took an int of ms.
// Options without a default in Flink have '' here: read them with getOptional().

import { booleanOption, durationOption, integerOption, stringOption } from './config-option.js';

export const HighAvailabilityOptions = {
  HA_MODE: stringOption('high-availability.type', {
    defaultValue: 'NONE',
    description: 'High-availability mode: NONE or ZOOKEEPER (case-insensitive).',
    deprecatedKeys: ['recovery.mode', 'high-availability'],
  }),
  HA_CLUSTER_ID: stringOption('high-availability.cluster-id', {
    defaultValue: '/default',
    description:
      'The id of the cluster, which separates clusters sharing one ZooKeeper quorum and storage dir.',
    deprecatedKeys: ['high-availability.zookeeper.path.namespace', 'recovery.zookeeper.path.namespace'],
  }),
  HA_STORAGE_PATH: stringOption('high-availability.storageDir', {
    defaultValue: '',
    description: 'Directory (or file:// URI) where job graphs and job results are persisted; no default.',
    deprecatedKeys: ['high-availability.zookeeper.storageDir', 'recovery.zookeeper.storageDir'],
  }),
  HA_ZOOKEEPER_QUORUM: stringOption('high-availability.zookeeper.quorum', {
    defaultValue: '',
    description: 'The ZooKeeper quorum, host:port[,host:port...]; no default.',
    deprecatedKeys: ['recovery.zookeeper.quorum'],
  }),
  HA_ZOOKEEPER_ROOT: stringOption('high-availability.zookeeper.path.root', {
    defaultValue: '/flink',
    description: 'The root path under which clusters keep their nodes in ZooKeeper.',
    deprecatedKeys: ['recovery.zookeeper.path.root'],
  }),
  HA_ZOOKEEPER_JOBGRAPHS_PATH: stringOption('high-availability.zookeeper.path.jobgraphs', {
    defaultValue: '/jobgraphs',
    description: "The ZooKeeper path, under the cluster's, of the job graph pointers.",
    deprecatedKeys: ['recovery.zookeeper.path.jobgraphs'],
  }),
  ZOOKEEPER_SESSION_TIMEOUT: durationOption('high-availability.zookeeper.client.session-timeout', {
    defaultValue: 60_000,
    description: 'The ZooKeeper session timeout, in ms.',
    deprecatedKeys: ['recovery.zookeeper.client.session-timeout'],
  }),
  ZOOKEEPER_CONNECTION_TIMEOUT: durationOption('high-availability.zookeeper.client.connection-timeout', {
    defaultValue: 15_000,
    description: 'How long an operation waits for a ZooKeeper connection, in ms.',
    deprecatedKeys: ['recovery.zookeeper.client.connection-timeout'],
  }),
  ZOOKEEPER_RETRY_WAIT: durationOption('high-availability.zookeeper.client.retry-wait', {
    defaultValue: 5000,
    description:
      'The pause before the first retry of an operation that lost its connection, in ms; doubled per retry.',
    deprecatedKeys: ['recovery.zookeeper.client.retry-wait'],
  }),
  ZOOKEEPER_MAX_RETRY_ATTEMPTS: integerOption('high-availability.zookeeper.client.max-retry-attempts', {
    defaultValue: 3,
    description: 'How often an operation that lost its connection is retried before it fails.',
    deprecatedKeys: ['recovery.zookeeper.client.max-retry-attempts'],
  }),
  ZOOKEEPER_TOLERATE_SUSPENDED_CONNECTIONS: booleanOption(
    'high-availability.zookeeper.client.tolerate-suspended-connections',
    {
      defaultValue: false,
      description:
        'If true, only a LOST ZooKeeper session revokes leadership and clears retrieved leaders; ' +
        'if false (the default), a SUSPENDED connection already does.',
    },
  ),
} as const;
