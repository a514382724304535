// The registry of one thread from the configuration: a MetricRegistryImpl, or
// a NoOpMetricRegistry when metrics.enabled is false. Flink builds its
// MetricRegistryImpl from a MetricRegistryConfiguration the same way.

import type { Configuration } from '../configuration/configuration.js';
import { MetricRegistryOptions } from '../configuration/metric-registry-options.js';
import { MetricRegistryImpl, NoOpMetricRegistry, type MetricRegistry } from './metric-registry.js';

export function createMetricRegistry(configuration: Configuration): MetricRegistry {
  return configuration.get(MetricRegistryOptions.ENABLED)
    ? new MetricRegistryImpl()
    : NoOpMetricRegistry.INSTANCE;
}
