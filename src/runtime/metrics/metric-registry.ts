// Where the metrics of one thread are registered, so that they can be dumped
// (metric-query-service.ts) and served. Mirrors Flink's MetricRegistry, with
// MetricRegistryImpl and NoOpMetricRegistry. Flink's registry also forwards
// every metric to its reporters; here the reporters read dumps instead (the
// Prometheus reporter of a process gathers its threads' dumps on each scrape),
// so the registry is only the store the MetricQueryService reads.

import type { Metric } from './metric.js';
import { ScopeFormats } from './scope-formats.js';

/** What the registry needs to know about the group a metric is in. */
export interface MetricGroupInfo {
  getScopeComponents(): readonly string[];
  getLogicalScope(): string;
  /** The group's variables, e.g. `{ host, tm_id, job_id }` (Flink's `<host>`, without the brackets). */
  getAllVariables(): Readonly<Record<string, string>>;
}

export interface RegisteredMetric {
  readonly metric: Metric;
  readonly name: string;
  readonly group: MetricGroupInfo;
}

export interface MetricRegistry {
  /** Whether metrics are kept at all; groups of a NoOpMetricRegistry create no metrics. */
  readonly enabled: boolean;
  getDelimiter(): string;
  getScopeFormats(): ScopeFormats;
  register(metric: Metric, metricName: string, group: MetricGroupInfo): void;
  unregister(metric: Metric, metricName: string, group: MetricGroupInfo): void;
  /** Every metric registered now, in registration order. */
  registeredMetrics(): Iterable<RegisteredMetric>;
}

export class MetricRegistryImpl implements MetricRegistry {
  readonly enabled = true;
  private readonly metrics = new Map<Metric, RegisteredMetric>();

  constructor(private readonly scopeFormats: ScopeFormats = ScopeFormats.defaults()) {}

  getDelimiter(): string {
    return '.';
  }

  getScopeFormats(): ScopeFormats {
    return this.scopeFormats;
  }

  register(metric: Metric, name: string, group: MetricGroupInfo): void {
    this.metrics.set(metric, { metric, name, group });
  }

  unregister(metric: Metric): void {
    this.metrics.delete(metric);
  }

  registeredMetrics(): Iterable<RegisteredMetric> {
    return this.metrics.values();
  }

  /** How many metrics are registered now. */
  size(): number {
    return this.metrics.size;
  }
}

/** Metrics switched off: groups hand out metrics that are not kept anywhere. Flink's NoOpMetricRegistry. */
export class NoOpMetricRegistry implements MetricRegistry {
  static readonly INSTANCE = new NoOpMetricRegistry();
  readonly enabled = false;
  private readonly scopeFormats = ScopeFormats.defaults();

  getDelimiter(): string {
    return '.';
  }

  getScopeFormats(): ScopeFormats {
    return this.scopeFormats;
  }

  register(): void {}

  unregister(): void {}

  registeredMetrics(): Iterable<RegisteredMetric> {
    return [];
  }
}
