// Which HA services a cluster runs, read from high-availability.type (or its old
// keys recovery.mode and high-availability), mirroring Flink's HighAvailabilityMode:
// NONE (also "standalone"), ZOOKEEPER, KUBERNETES, or the name of a factory class.

import type { Configuration } from '../configuration/configuration.js';
import { HighAvailabilityOptions } from '../configuration/high-availability-options.js';

export type HighAvailabilityMode = 'NONE' | 'ZOOKEEPER' | 'KUBERNETES' | 'FACTORY_CLASS';

export const HighAvailabilityMode = {
  fromConfig(conf: Configuration): HighAvailabilityMode {
    const configured = conf.get(HighAvailabilityOptions.HA_MODE).trim();
    const upper = configured.toUpperCase();
    if (upper === '' || upper === 'NONE' || upper === 'STANDALONE') return 'NONE';
    if (upper === 'ZOOKEEPER' || upper === 'KUBERNETES') return upper;
    return 'FACTORY_CLASS';
  },

  isHighAvailabilityModeActivated(conf: Configuration): boolean {
    return HighAvailabilityMode.fromConfig(conf) !== 'NONE';
  },
};
