// Text helpers of `npm start` and the `threadlink` CLI: the live progress line
// of a job, durations, and plain-text tables. No Flink counterpart (Flink
// shows this in its web UI); nothing here knows about the cluster beyond
// JobProgress.

import type { JobProgress } from './job-client.js';

/** `850 ms` below a second, `2.31 s` above. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `2,433,654` */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** `1 slot`, `2 slots` */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function bar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** `[██████░░░░] 30/48 done · 2 running · 1 failed attempt · 2 slots in use · 2.31 s` */
export function formatProgress(progress: JobProgress, elapsedMs: number): string {
  const done = progress.finished + progress.canceled;
  return [
    `[${bar(done, progress.total, 20)}] ${done}/${progress.total} done`,
    `${progress.running} running`,
    plural(progress.failedAttempts, 'failed attempt'),
    `${plural(progress.slotsInUse, 'slot')} in use`,
    formatDuration(elapsedMs),
  ].join(' · ');
}

export interface ProgressLineOptions {
  /** Rewrite one line in place (a terminal), or print a new line each time (a log file). */
  readonly rewrite: boolean;
  readonly intervalMs: number;
}

/**
 * A status line redrawn on a timer, rather than on every task event: a job of
 * thousands of tiny tasks would otherwise spend its time writing to the terminal.
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private lastWidth = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly render: () => string,
    private readonly options: ProgressLineOptions,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.draw(), this.options.intervalMs);
  }

  /** Draws the line a last time and ends it with a newline. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    if (this.options.rewrite) this.stream.write('\n');
  }

  private draw(): void {
    const text = this.render();
    if (!this.options.rewrite) {
      this.stream.write(`${text}\n`);
      return;
    }
    // Pad over the previous text instead of an ANSI erase, so that a shorter line leaves no tail.
    this.stream.write(`\r${text.padEnd(this.lastWidth)}`);
    this.lastWidth = text.length;
  }
}

export type TableRow = Readonly<Record<string, string | number>>;

/** Columns padded to their widest cell; columns of numbers right-aligned. One string per line, header first. */
export function formatTable(rows: readonly TableRow[]): string[] {
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((key) => Math.max(key.length, ...rows.map((row) => String(row[key]).length)));
  const numeric = keys.map((key) => rows.every((row) => typeof row[key] === 'number'));
  const cell = (value: string | number, i: number) =>
    numeric[i] ? String(value).padStart(widths[i]!) : String(value).padEnd(widths[i]!);
  const line = (cells: string[]) => cells.join('  ').trimEnd();
  return [
    line(keys.map((key, i) => cell(key, i))),
    line(widths.map((width) => '─'.repeat(width))),
    ...rows.map((row) => line(keys.map((key, i) => cell(row[key]!, i)))),
  ];
}
