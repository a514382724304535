// A counter that is a plain number. Mirrors Flink's SimpleCounter: not
// thread-safe, which is fine here, since every metric lives in one thread.

import type { Counter } from './metric.js';

export class SimpleCounter implements Counter {
  readonly metricType = 'counter';
  private count = 0;

  inc(n = 1): void {
    this.count += n;
  }

  dec(n = 1): void {
    this.count -= n;
  }

  getCount(): number {
    return this.count;
  }
}
