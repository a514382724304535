// The metric system: Flink's MetricRegistry, metric groups, metric kinds, the
// dumps a thread answers a metric query with, and the Prometheus reporter.

export { AbstractMetricGroup, GenericMetricGroup } from './abstract-metric-group.js';
export {
  JobManagerJobMetricGroup,
  JobManagerMetricGroup,
  TaskManagerJobMetricGroup,
  TaskManagerMetricGroup,
  TaskMetricGroup,
} from './component-metric-groups.js';
export { DescriptiveStatisticsHistogram } from './descriptive-statistics-histogram.js';
export { gatherMetricDumps } from './gather-metric-dumps.js';
export { MeterView } from './meter-view.js';
export { gaugeOf } from './metric.js';
export type { Counter, Gauge, Histogram, HistogramStatistics, Meter, Metric, MetricType } from './metric.js';
export type {
  CounterDump,
  GaugeDump,
  HistogramDump,
  MeterDump,
  MetricDump,
  MetricDumpScope,
  MetricDumpSnapshot,
} from './metric-dump.js';
export { createMetricDump } from './metric-query-service.js';
export { createMetricRegistry } from './metric-registry-factory.js';
export { MetricRegistryImpl, NoOpMetricRegistry } from './metric-registry.js';
export type { MetricGroupInfo, MetricRegistry, RegisteredMetric } from './metric-registry.js';
export { NodeThreadStatus } from './node-thread-status.js';
export { PrometheusReporter, PrometheusReporterBindError } from './prometheus/prometheus-reporter.js';
export type { PrometheusReporterOptions } from './prometheus/prometheus-reporter.js';
export { prometheusRegistryOf } from './prometheus/prometheus-registry-of-dumps.js';
export { ScopeFormats } from './scope-formats.js';
export { SimpleCounter } from './simple-counter.js';
export { instantiateStatusMetrics } from './status-metrics.js';
