// A histogram over the last `windowSize` values: a ring buffer, so memory is
// bounded whatever the rate. Mirrors Flink's DescriptiveStatisticsHistogram
// (a sliding window of values, statistics computed on read). Quantiles are
// computed by sorting a copy on read, which is cheap next to a scrape and
// keeps update() to two stores.

import type { Histogram, HistogramStatistics } from './metric.js';

export class DescriptiveStatisticsHistogram implements Histogram {
  readonly metricType = 'histogram';
  private readonly values: Float64Array;
  private count = 0;

  constructor(readonly windowSize: number) {
    if (!Number.isInteger(windowSize) || windowSize < 1) {
      throw new RangeError(`A histogram's window must be a whole number ≥ 1, got ${windowSize}.`);
    }
    this.values = new Float64Array(windowSize);
  }

  update(value: number): void {
    this.values[this.count % this.windowSize] = value;
    this.count++;
  }

  getCount(): number {
    return this.count;
  }

  getStatistics(): HistogramStatistics {
    const size = Math.min(this.count, this.windowSize);
    return new SortedStatistics(this.values.slice(0, size).sort());
  }
}

class SortedStatistics implements HistogramStatistics {
  constructor(private readonly sorted: Float64Array) {}

  size(): number {
    return this.sorted.length;
  }

  /** Linear interpolation between the closest ranks (the "R-7" estimate, as numpy's default). */
  getQuantile(q: number): number {
    const n = this.sorted.length;
    if (n === 0 || !(q >= 0 && q <= 1)) return NaN;
    const rank = q * (n - 1);
    const low = Math.floor(rank);
    const high = Math.min(low + 1, n - 1);
    return this.sorted[low]! + (rank - low) * (this.sorted[high]! - this.sorted[low]!);
  }

  getMean(): number {
    if (this.sorted.length === 0) return NaN;
    let sum = 0;
    for (const value of this.sorted) sum += value;
    return sum / this.sorted.length;
  }

  getStdDev(): number {
    const n = this.sorted.length;
    if (n < 2) return n === 0 ? NaN : 0;
    const mean = this.getMean();
    let squares = 0;
    for (const value of this.sorted) squares += (value - mean) ** 2;
    return Math.sqrt(squares / (n - 1));
  }

  getMin(): number {
    return this.sorted.length === 0 ? NaN : this.sorted[0]!;
  }

  getMax(): number {
    return this.sorted.length === 0 ? NaN : this.sorted[this.sorted.length - 1]!;
  }
}
