// Every configuration key threadlink reads, with the option that reads it: the
// runtime's ConfigOptions and the processes' own. A config file is checked
// against it: a known key's value must pass its option's convert, an unknown key
// is reported with the nearest known one. Flink checks nothing of the sort
// (ConfigurationUtils leaves unknown keys alone); this is where a typo is caught.

import type { ConfigOption } from '../../runtime/configuration/config-option.js';
import { BlobServerOptions } from '../../runtime/blob/blob-server-options.js';
import { ClusterOptions } from '../../runtime/configuration/cluster-options.js';
import { HeartbeatManagerOptions } from '../../runtime/configuration/heartbeat-manager-options.js';
import { HighAvailabilityOptions } from '../../runtime/configuration/high-availability-options.js';
import { JobMasterOptions } from '../../runtime/configuration/job-master-options.js';
import { JobResultStoreOptions } from '../../runtime/configuration/job-result-store-options.js';
import { MetricRegistryOptions } from '../../runtime/configuration/metric-registry-options.js';
import { RpcOptions } from '../../runtime/configuration/rpc-options.js';
import { TaskManagerOptions } from '../../runtime/configuration/task-manager-options.js';
import {
  JobManagerOptions,
  MetricOptions,
  RestOptions,
  StandaloneTaskManagerOptions,
} from './entrypoint-options.js';
import { nearestOf } from './nearest-key.js';
import { SecurityOptions } from './security-options.js';

/** The option groups, by the name of the Flink class each mirrors. A new *-options module goes here. */
export const kConfigOptionGroups: Readonly<Record<string, Readonly<Record<string, ConfigOption<unknown>>>>> =
  {
    ClusterOptions,
    HeartbeatManagerOptions,
    HighAvailabilityOptions,
    JobMasterOptions,
    JobResultStoreOptions,
    MetricRegistryOptions,
    RpcOptions,
    TaskManagerOptions,
    BlobServerOptions,
    JobManagerOptions,
    StandaloneTaskManagerOptions,
    RestOptions,
    MetricOptions,
    SecurityOptions,
  };

/** A key found in the registry: the option it belongs to, and whether it is one of its old names. */
export interface KnownConfigKey {
  readonly key: string;
  readonly option: ConfigOption<unknown>;
  /** For a deprecated key, the option's current key. */
  readonly replacedBy: string | undefined;
}

const kByKey = new Map<string, KnownConfigKey>();
for (const group of Object.values(kConfigOptionGroups)) {
  for (const option of Object.values(group)) {
    kByKey.set(option.key, { key: option.key, option, replacedBy: undefined });
  }
}
for (const group of Object.values(kConfigOptionGroups)) {
  for (const option of Object.values(group)) {
    for (const key of option.deprecatedKeys) {
      // An old name that is also a current key (none today) stays the current key's.
      if (!kByKey.has(key)) kByKey.set(key, { key, option, replacedBy: option.key });
    }
  }
}

/** Every declared option, in declaration order. */
export const kKnownConfigOptions: readonly ConfigOption<unknown>[] = Object.values(
  kConfigOptionGroups,
).flatMap((group) => Object.values(group));

/** The registry's entry for `key`, current or deprecated; undefined for a key threadlink does not read. */
export function lookupConfigKey(key: string): KnownConfigKey | undefined {
  return kByKey.get(key);
}

/** Every key threadlink reads: the options' keys and their deprecated keys, sorted. */
export function knownConfigKeys(): string[] {
  return [...kByKey.keys()].sort();
}

/** The current key closest to a misspelled one, if one is close enough to be a likely typo. */
export function nearestConfigKey(key: string): string | undefined {
  return nearestOf(
    key,
    kKnownConfigOptions.map((option) => option.key),
  );
}
