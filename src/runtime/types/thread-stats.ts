// A thread's figures as plain data: what a TaskExecutor's heartbeat carries to
// the ResourceManager, and what TaskManagerInfo shows per TaskManager. Node's
// counterpart of the JVM figures Flink's REST API shows for a TaskManager.

export interface ThreadStats {
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Share of time the event loop was busy, 0 to 1, over the last sampled interval (about 1 s). */
  readonly eventLoopUtilization: number;
  /** 99th percentile of the event-loop delay, in ms, since the thread started measuring. */
  readonly eventLoopDelayP99Ms: number;
}
