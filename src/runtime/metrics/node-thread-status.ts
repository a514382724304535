// What a thread measures about itself: V8 heap, event-loop utilization and
// event-loop delay. Node's counterpart of the JVM figures Flink's MetricUtils
// reads from MemoryMXBean and the CPU load. Each worker thread has its own V8
// isolate and event loop, so these are the thread's own figures.

import {
  monitorEventLoopDelay,
  performance,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { ThreadStats } from '../types/thread-stats.js';

/** The interval over which event-loop utilization is taken; reads within it see the same figure. */
const kUtilizationIntervalMs = 1_000;
/** monitorEventLoopDelay's sampling timer, in ms: coarse, since only delays of ms matter here. */
const kDelayResolutionMs = 20;

export class NodeThreadStatus {
  private readonly delay: IntervalHistogram;
  private previous: EventLoopUtilization;
  private current: EventLoopUtilization;
  private currentAt: number;
  private utilization = 0;
  private closed = false;

  constructor() {
    this.delay = monitorEventLoopDelay({ resolution: kDelayResolutionMs });
    this.delay.enable();
    this.previous = this.current = performance.eventLoopUtilization();
    this.currentAt = performance.now();
  }

  heapUsedBytes(): number {
    return getHeapStatistics().used_heap_size;
  }

  heapTotalBytes(): number {
    return getHeapStatistics().total_heap_size;
  }

  eventLoopUtilization(): number {
    const now = performance.now();
    if (now - this.currentAt >= kUtilizationIntervalMs || this.current === this.previous) {
      this.previous = this.current;
      this.current = performance.eventLoopUtilization();
      this.currentAt = now;
      this.utilization = performance.eventLoopUtilization(this.current, this.previous).utilization;
    }
    return this.utilization;
  }

  /** Event-loop delay in ms: mean, max or a percentile (0 to 100). NaN before the first sample. */
  eventLoopDelayMs(which: 'mean' | 'max' | number): number {
    if (this.delay.count === 0) return NaN;
    const ns =
      which === 'mean' ? this.delay.mean : which === 'max' ? this.delay.max : this.delay.percentile(which);
    return ns / 1e6;
  }

  sample(): ThreadStats {
    const heap = getHeapStatistics();
    const p99 = this.eventLoopDelayMs(99);
    return {
      heapUsedBytes: heap.used_heap_size,
      heapTotalBytes: heap.total_heap_size,
      eventLoopUtilization: this.eventLoopUtilization(),
      eventLoopDelayP99Ms: Number.isNaN(p99) ? 0 : p99,
    };
  }

  /** Stops the event-loop delay sampling timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.delay.disable();
  }
}
