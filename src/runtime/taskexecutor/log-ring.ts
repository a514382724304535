// The TaskExecutor's recent log lines, kept in a bounded ring so that the REST
// API can show a TaskManager's log (/taskmanagers/:id/log) without a log file.
// threadlink's own: Flink's TaskExecutor uploads its log file to the BlobServer
// (requestFileUploadByType(LOG)); here the lines are kept in memory instead.
// It hears every line of its thread at info and above (addLogSink): with one
// TaskExecutor per thread, as in the MiniCluster and the taskmanager process,
// that is its own log.

import { addLogSink, type LogSink } from '../../actor/logger.js';

/** Lines a TaskExecutor keeps; the oldest go first. */
export const kLogRingCapacity = 1000;

export class LogRing {
  private readonly lines: string[];
  private next = 0;
  private size = 0;
  private detach: (() => void) | undefined;

  constructor(
    private readonly capacity = kLogRingCapacity,
    /** Time in ms since the epoch, for each line's timestamp. */
    private readonly now: () => number = Date.now,
  ) {
    this.lines = new Array<string>(capacity);
  }

  /** Starts hearing this thread's log lines. */
  attach(): void {
    const sink: LogSink = (level, component, text) =>
      this.add(
        `${new Date(this.now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${component} - ${text}`,
      );
    this.detach ??= addLogSink(sink);
  }

  close(): void {
    this.detach?.();
    this.detach = undefined;
  }

  add(line: string): void {
    this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** The last `maxLines` lines, oldest first. */
  tail(maxLines: number): string[] {
    const count = Math.max(0, Math.min(maxLines, this.size));
    const out: string[] = [];
    for (let i = count; i > 0; i--) {
      out.push(this.lines[(this.next - i + this.capacity) % this.capacity]!);
    }
    return out;
  }
}
