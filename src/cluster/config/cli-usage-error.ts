// The two errors of a bad command line, both exit code 2: CliUsageError for the
// arguments, ConfigFileError for the --config file. They live here, below
// cli-arguments.ts, so that the config modules can throw them without an import cycle.

import { FlinkError } from '../../runtime/flink-error.js';

/**
 * The command line is wrong: an unknown option, a missing module, a count that
 * is not a whole number. It never crosses a thread, so it is not registered
 * with the error codec.
 */
export class CliUsageError extends FlinkError {
  static override readonly code: string = 'ERR_CLI_USAGE';
}

/** What is wrong with a config file, for callers and tests that need more than the message. */
export type ConfigFileProblem =
  /** The file does not exist. */
  | 'not-found'
  /** It exists but cannot be read (a directory, no permission). */
  | 'unreadable'
  /** It is not YAML. */
  | 'syntax'
  /** It is YAML, but not a map of keys to values. */
  | 'not-a-map'
  /** A known key has a value its option does not accept. */
  | 'invalid-value';

/**
 * The --config file cannot be used. A subclass of CliUsageError, so that a caller
 * that handles usage errors handles it too; the message is one line that starts
 * with the file (and line) and, for a bad value, names the key
 * (`conf/config.yaml:3: heartbeat.timeout: 'soon' is not a duration: …`), which
 * is also in `key`.
 */
export class ConfigFileError extends CliUsageError {
  static override readonly code = 'ERR_CLI_CONFIG_FILE';
  readonly file: string;
  readonly problem: ConfigFileProblem;
  readonly line: number | undefined;
  readonly key: string | undefined;

  constructor(
    where: {
      readonly file: string;
      readonly problem: ConfigFileProblem;
      readonly line?: number | undefined;
      readonly key?: string | undefined;
    },
    detail: string,
    options?: ErrorOptions,
  ) {
    const at = where.line === undefined ? where.file : `${where.file}:${where.line}`;
    super(`${at}: ${detail}`, options);
    this.file = where.file;
    this.problem = where.problem;
    this.line = where.line;
    this.key = where.key;
  }
}
