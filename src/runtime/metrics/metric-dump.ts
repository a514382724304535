// A thread's metrics as plain data, what crosses threads and processes when
// they are gathered. Mirrors Flink's MetricDump (CounterDump, GaugeDump,
// MeterDump, HistogramDump) and QueryScopeInfo: every dump carries its scope as
// the logical scope and the variables (host, tm_id, job_id, ...), from which a
// reader builds Flink's metric identifier or a Prometheus name and labels.
// Structured-clone safe: numbers, strings and plain objects only. An empty
// histogram's statistics are NaN, which a JSON writer turns into null.

export interface MetricDumpScope {
  /** e.g. `taskmanager`, `taskmanager.Status.Node.Memory` or `jobmanager.job`. */
  readonly logicalScope: string;
  /** Flink's scope components joined by `.`, e.g. `127.0.0.1.taskmanager.tm-1.Status`. */
  readonly scope: string;
  /** e.g. `{ host: '127.0.0.1', tm_id: 'tm-1' }`: Flink's `<host>`, `<tm_id>` without the brackets. */
  readonly variables: Readonly<Record<string, string>>;
}

interface DumpBase {
  readonly name: string;
  readonly scope: MetricDumpScope;
}

export interface CounterDump extends DumpBase {
  readonly category: 'counter';
  readonly count: number;
}

export interface GaugeDump extends DumpBase {
  readonly category: 'gauge';
  readonly value: number;
}

export interface MeterDump extends DumpBase {
  readonly category: 'meter';
  /** Events per second. */
  readonly rate: number;
  readonly count: number;
}

export interface HistogramDump extends DumpBase {
  readonly category: 'histogram';
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  readonly median: number;
  readonly p75: number;
  readonly p90: number;
  readonly p95: number;
  readonly p98: number;
  readonly p99: number;
  readonly p999: number;
}

export type MetricDump = CounterDump | GaugeDump | MeterDump | HistogramDump;

/** One thread's metrics at one time: what requestMetricDump answers. */
export interface MetricDumpSnapshot {
  /** Clock time (ms since the epoch) of the dump. */
  readonly timestamp: number;
  readonly dumps: readonly MetricDump[];
}
