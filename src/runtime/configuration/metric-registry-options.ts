// threadlink's own switch of the metric system. Flink has no such key (its
// registry is always there, and reporters are what one configures); here the
// benchmarks and users who want every last percent can turn the registries
// into NoOpMetricRegistry instances, which is what Flink's tests use.

import { booleanOption } from './config-option.js';

export const MetricRegistryOptions = {
  ENABLED: booleanOption('metrics.enabled', {
    defaultValue: true,
    description:
      "threadlink's own: whether components register metrics (Status.*, slots, tasks, restarts). " +
      'false gives every thread a NoOpMetricRegistry; requestMetricDump then answers no metrics.',
  }),
} as const;
