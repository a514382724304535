// A meter over a counter: events per second over the last `timeSpanSeconds`.
// Mirrors Flink's MeterView. Flink updates every MeterView from one timer
// thread every 5 s (ViewUpdater); here the meter samples its counter when it is
// read, at most once per 5 s interval, so it needs no timer of its own and
// costs nothing between reads.

import type { Counter, Meter } from './metric.js';
import { SimpleCounter } from './simple-counter.js';

/** Flink's UPDATE_INTERVAL_SECONDS. */
export const kMeterUpdateIntervalMs = 5_000;

export class MeterView implements Meter {
  readonly metricType = 'meter';
  private readonly counter: Counter;
  private readonly timeSpanMs: number;
  /** Samples (time, count), oldest first; the first one is where the window begins. */
  private readonly sampleTimes: number[] = [];
  private readonly sampleCounts: number[] = [];

  constructor(
    counterOrTimeSpanSeconds: Counter | number = 60,
    timeSpanSeconds = 60,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (typeof counterOrTimeSpanSeconds === 'number') {
      this.counter = new SimpleCounter();
      timeSpanSeconds = counterOrTimeSpanSeconds;
    } else {
      this.counter = counterOrTimeSpanSeconds;
    }
    // As Flink: the span is at least one update interval, and a whole number of them.
    const intervals = Math.max(1, Math.round((timeSpanSeconds * 1000) / kMeterUpdateIntervalMs));
    this.timeSpanMs = intervals * kMeterUpdateIntervalMs;
    this.sampleTimes.push(this.now());
    this.sampleCounts.push(this.counter.getCount());
  }

  markEvent(n = 1): void {
    this.counter.inc(n);
  }

  getCount(): number {
    return this.counter.getCount();
  }

  getRate(): number {
    const now = this.now();
    const count = this.counter.getCount();
    const last = this.sampleTimes.length - 1;
    if (now - this.sampleTimes[last]! >= kMeterUpdateIntervalMs) {
      this.sampleTimes.push(now);
      this.sampleCounts.push(count);
    }
    while (this.sampleTimes.length > 1 && now - this.sampleTimes[1]! >= this.timeSpanMs) {
      this.sampleTimes.shift();
      this.sampleCounts.shift();
    }
    const elapsedMs = now - this.sampleTimes[0]!;
    return elapsedMs <= 0 ? 0 : ((count - this.sampleCounts[0]!) * 1000) / elapsedMs;
  }
}
