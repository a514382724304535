// Points out configuration keys that no option knows, as the config file does:
// one warning each, naming the nearest known key, so that a typo such as
// `heartbeat.intervall` is not silently ignored. The known keys are those the
// options record as they are declared (declaredConfigKeys); the groups below
// are declared here too, so that every option the cluster reads is known even
// before its module runs, hand-built ones (the blob sizes) included.

import { BlobServerOptions } from '../runtime/blob/blob-server-options.js';
import { ClusterOptions } from '../runtime/configuration/cluster-options.js';
import {
  declareConfigOption,
  declaredConfigKeys,
  type ConfigOption,
  type ConfigValue,
} from '../runtime/configuration/config-option.js';
import { HeartbeatManagerOptions } from '../runtime/configuration/heartbeat-manager-options.js';
import { HighAvailabilityOptions } from '../runtime/configuration/high-availability-options.js';
import { JobManagerOptions } from '../runtime/configuration/job-manager-options.js';
import { JobResultStoreOptions } from '../runtime/configuration/job-result-store-options.js';
import { RpcOptions } from '../runtime/configuration/rpc-options.js';
import { TaskManagerOptions } from '../runtime/configuration/task-manager-options.js';
import { nearestOf } from './config/nearest-key.js';

const kOptionGroups: readonly Readonly<Record<string, ConfigOption<unknown>>>[] = [
  BlobServerOptions,
  ClusterOptions,
  HeartbeatManagerOptions,
  HighAvailabilityOptions,
  JobManagerOptions,
  JobResultStoreOptions,
  RpcOptions,
  TaskManagerOptions,
];

/** Calls `warn` once per key of `config` that no declared option knows, with a one-line message. */
export function warnUnknownConfigKeys(
  config: Readonly<Record<string, ConfigValue>>,
  warn: (message: string) => void,
): void {
  for (const group of kOptionGroups) for (const option of Object.values(group)) declareConfigOption(option);
  const known = declaredConfigKeys();
  for (const key of Object.keys(config)) {
    if (known.has(key)) continue;
    const nearest = nearestOf(key, known);
    warn(`Unknown config key '${key}'${nearest ? ` (did you mean '${nearest}'?)` : ''}; it is ignored.`);
  }
}
