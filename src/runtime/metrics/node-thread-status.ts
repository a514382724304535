// What a thread measures about itself: V8 heap, event-loop utilization and
// event-loop delay. Node's counterpart of the JVM figures Flink's MetricUtils
// reads from MemoryMXBean and the CPU load. Each worker thread has its own V8
// isolate and event loop, so these are the thread's own figures.

import {
  createHistogram,
  performance,
  type EventLoopUtilization,
  type RecordableHistogram,
} from 'node:perf_hooks';
import type { ThreadStats } from '../types/thread-stats.js';

/** The interval over which event-loop utilization is taken; reads within it see the same figure. */
const kUtilizationIntervalMs = 1_000;
/** The event-loop delay sampling timer's period, in ms: coarse, since only delays of ms matter here. */
const kDelayResolutionMs = 20;
/** Delays are recorded from 1 µs to a minute, in ns. */
const kMinDelayNs = 1e3;
const kMaxDelayNs = 60e9;

/** node:v8 at the first heap reading (the first heartbeat, with metrics on): off a new thread's start path (0.5 ms). */
function getHeapStatistics(): import('node:v8').HeapInfo {
  return process.getBuiltinModule('node:v8').getHeapStatistics();
}

export class NodeThreadStatus {
  // Not monitorEventLoopDelay: its histogram keeps 3 significant figures from
  // 1 ns to an hour, 360 kB of counts in every thread that has metrics. Two
  // figures from 1 µs to a minute are within 1% and take about 20 kB. The
  // sampler is a timer of the same period as Node's, but it records how late
  // it fired, where Node records the whole interval (the period more).
  private readonly delay: RecordableHistogram;
  private readonly delayTimer: NodeJS.Timeout;
  private delayDueAt: number;
  private previous: EventLoopUtilization;
  private current: EventLoopUtilization;
  private currentAt: number;
  private utilization = 0;
  private closed = false;

  constructor() {
    this.delay = createHistogram({ lowest: kMinDelayNs, highest: kMaxDelayNs, figures: 2 });
    this.delayDueAt = performance.now() + kDelayResolutionMs;
    this.delayTimer = setInterval(() => this.sampleDelay(), kDelayResolutionMs).unref();
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
    clearInterval(this.delayTimer);
  }

  private sampleDelay(): void {
    const now = performance.now();
    const lateNs = Math.round((now - this.delayDueAt) * 1e6);
    this.delay.record(Math.min(Math.max(lateNs, kMinDelayNs), kMaxDelayNs));
    this.delayDueAt = now + kDelayResolutionMs;
  }
}
