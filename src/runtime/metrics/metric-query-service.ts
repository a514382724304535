// Turns a thread's registered metrics into a MetricDumpSnapshot. Mirrors
// Flink's MetricQueryService, which is an actor of its own; here the
// component that owns the registry (TaskExecutor, ResourceManager) answers
// requestMetricDump with it, over the RPC the component already has. A gauge
// that throws is left out of the dump, as Flink's MetricDumpSerializer does.

import { getLogger } from '../../actor/logger.js';
import type { Metric } from './metric.js';
import type { MetricDump, MetricDumpScope, MetricDumpSnapshot } from './metric-dump.js';
import type { MetricGroupInfo, MetricRegistry } from './metric-registry.js';

const log = getLogger('MetricQueryService');

export function createMetricDump(registry: MetricRegistry, now: () => number = Date.now): MetricDumpSnapshot {
  const scopes = new Map<MetricGroupInfo, MetricDumpScope>();
  const dumps: MetricDump[] = [];
  for (const { metric, name, group } of registry.registeredMetrics()) {
    let scope = scopes.get(group);
    if (!scope) {
      scope = {
        logicalScope: group.getLogicalScope(),
        scope: group.getScopeComponents().join(registry.getDelimiter()),
        variables: { ...group.getAllVariables() },
      };
      scopes.set(group, scope);
    }
    try {
      dumps.push(dumpOf(metric, name, scope));
    } catch (error) {
      log.debug(`Left metric ${scope.scope}.${name} out of the dump: it failed to read.`, error);
    }
  }
  return { timestamp: now(), dumps };
}

function dumpOf(metric: Metric, name: string, scope: MetricDumpScope): MetricDump {
  switch (metric.metricType) {
    case 'counter':
      return { category: 'counter', name, scope, count: metric.getCount() };
    case 'gauge':
      return { category: 'gauge', name, scope, value: Number(metric.getValue()) };
    case 'meter':
      return { category: 'meter', name, scope, rate: metric.getRate(), count: metric.getCount() };
    case 'histogram': {
      const stats = metric.getStatistics();
      return {
        category: 'histogram',
        name,
        scope,
        count: metric.getCount(),
        min: stats.getMin(),
        max: stats.getMax(),
        mean: stats.getMean(),
        stddev: stats.getStdDev(),
        median: stats.getQuantile(0.5),
        p75: stats.getQuantile(0.75),
        p90: stats.getQuantile(0.9),
        p95: stats.getQuantile(0.95),
        p98: stats.getQuantile(0.98),
        p99: stats.getQuantile(0.99),
        p999: stats.getQuantile(0.999),
      };
    }
  }
}
