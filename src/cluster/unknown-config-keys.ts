// Points out configuration keys that threadlink does not read, as the config
// file does: one warning each, naming the nearest known key, so that a typo such
// as `heartbeat.intervall` given to MiniCluster.start is not silently ignored.
// The known keys are the registry's (config/known-config-keys.ts).

import type { ConfigValue } from '../runtime/configuration/config-option.js';
import { lookupConfigKey, nearestConfigKey } from './config/known-config-keys.js';

/** Calls `warn` once per key of `config` that no option knows, with a one-line message. */
export function warnUnknownConfigKeys(
  config: Readonly<Record<string, ConfigValue>>,
  warn: (message: string) => void,
): void {
  for (const key of Object.keys(config)) {
    if (lookupConfigKey(key)) continue;
    const nearest = nearestConfigKey(key);
    warn(`Unknown config key '${key}'${nearest ? ` (did you mean '${nearest}'?)` : ''}; it is ignored.`);
  }
}
