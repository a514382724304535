// The four kinds of metric. Mirrors Flink's org.apache.flink.metrics interfaces
// (Counter, Gauge, Histogram, Meter) and MetricType. Only numbers are measured:
// what a reporter or a dump carries is a number, so gauges of strings are left out.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'meter';

export interface Counter {
  readonly metricType: 'counter';
  inc(n?: number): void;
  dec(n?: number): void;
  getCount(): number;
}

export interface Gauge {
  readonly metricType: 'gauge';
  getValue(): number;
}

/** What a Histogram holds now. Mirrors Flink's HistogramStatistics. */
export interface HistogramStatistics {
  /** `q` in [0, 1]; NaN when empty. */
  getQuantile(q: number): number;
  size(): number;
  getMean(): number;
  getStdDev(): number;
  getMin(): number;
  getMax(): number;
}

export interface Histogram {
  readonly metricType: 'histogram';
  update(value: number): void;
  /** Every value ever recorded, not only those the reservoir still holds. */
  getCount(): number;
  getStatistics(): HistogramStatistics;
}

export interface Meter {
  readonly metricType: 'meter';
  markEvent(n?: number): void;
  /** Events per second over the meter's time span. */
  getRate(): number;
  getCount(): number;
}

export type Metric = Counter | Gauge | Histogram | Meter;

/** A Gauge reading `read`. Flink's Gauge is a lambda; here the kind needs a tag. */
export function gaugeOf(read: () => number): Gauge {
  return { metricType: 'gauge', getValue: read };
}
