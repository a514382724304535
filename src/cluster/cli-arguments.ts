// The command line of `threadlink`, parsed into a CliCommand. Kept apart from
// cli.ts so it can be tested without starting a cluster. Flink's CliFrontend
// parses `flink run` the same way: first the action, then its options; a bad
// command line is a usage error (exit code 2 here), never a failed job.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { FlinkError } from '../runtime/flink-error.js';

/**
 * The command line is wrong: an unknown option, a missing module, a count that
 * is not a whole number. It never crosses a thread, so it is not registered
 * with the error codec.
 */
export class CliUsageError extends FlinkError {
  static override readonly code = 'ERR_CLI_USAGE';
}

export interface CliRunCommand {
  readonly kind: 'run';
  /** The task module as a `file:` or `data:` URL. */
  readonly module: string;
  readonly exportName: string;
  readonly tasks: number;
  readonly taskExecutors: number;
  readonly slotsPerTaskExecutor: number;
  /** From `--args`: the arguments of every task. Without it, task i is called with `(i, tasks)`. */
  readonly args: readonly unknown[] | undefined;
  readonly restartAttempts: number;
  readonly restartDelayMs: number;
}

export type CliCommand = { readonly kind: 'help' } | CliRunCommand;

export const kUsage = `Usage: threadlink run <module> [options]

Starts an embedded cluster, runs <module>'s export once per task, each task in
a worker thread of a TaskExecutor's slot, and prints the tasks' results, in
task order, as one JSON array on stdout. Logs and progress go to stderr.

  <module>                  a path (relative to the current directory) or a
                            file: or data: URL of an ES module

Options:
  --export <name>           the function to call (default: default)
  --tasks <N>               how many tasks (default: 1)
  --task-executors <M>      TaskExecutors, one worker thread each (default: 1)
  --slots <S>               slots per TaskExecutor (default: 1)
  --args <JSON array>       arguments of every task; without it, task i is
                            called with (i, N)
  --restart-attempts <A>    restarts of a failed task before the job fails
                            (default: 0)
  --restart-delay <MS>      milliseconds before a restart (default: 0)
  -h, --help                print this help

Exit codes: 0 the job finished, 1 the job failed, 2 bad command line.

Example:
  threadlink run ./tasks.js --export square --tasks 8 --task-executors 4
`;

const kOptions = {
  export: { type: 'string' },
  tasks: { type: 'string' },
  'task-executors': { type: 'string' },
  slots: { type: 'string' },
  args: { type: 'string' },
  'restart-attempts': { type: 'string' },
  'restart-delay': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliParseOptions {
  /** Where relative module paths start. Default: process.cwd(). */
  readonly cwd?: string;
}

/** Parses the arguments after `threadlink` (process.argv.slice(2)); throws CliUsageError. */
export function parseCliArguments(argv: readonly string[], options: CliParseOptions = {}): CliCommand {
  const { values, positionals } = parseOrThrow(argv);
  if (values.help) return { kind: 'help' };
  const [action, module, ...extra] = positionals;
  if (action === undefined) throw new CliUsageError('Missing command: expected `threadlink run <module>`.');
  if (action === 'help') return { kind: 'help' };
  if (action !== 'run') throw new CliUsageError(`Unknown command '${action}': expected 'run'.`);
  if (module === undefined) throw new CliUsageError('Missing <module>: `threadlink run <module>`.');
  if (extra.length > 0) throw new CliUsageError(`Unexpected argument '${extra[0]}' after <module>.`);

  const tasks = wholeNumber(values.tasks, '--tasks', 1, 1);
  return {
    kind: 'run',
    module: resolveTaskModule(module, options.cwd ?? process.cwd()),
    exportName: exportNameOf(values.export),
    tasks,
    taskExecutors: wholeNumber(values['task-executors'], '--task-executors', 1, 1),
    slotsPerTaskExecutor: wholeNumber(values.slots, '--slots', 1, 1),
    args: values.args === undefined ? undefined : argsOf(values.args),
    restartAttempts: wholeNumber(values['restart-attempts'], '--restart-attempts', 0, 0),
    restartDelayMs: wholeNumber(values['restart-delay'], '--restart-delay', 0, 0),
  };
}

/**
 * A module given on the command line as a URL: a `file:` or `data:` URL as it
 * is, anything else as a path from `cwd`. A file must exist, so that a typo is
 * a usage error rather than a task failure in a worker.
 */
export function resolveTaskModule(specifier: string, cwd: string): string {
  // Two letters or more before the colon, so that `C:\tasks.js` stays a path.
  if (/^[a-z][a-z\d+.-]+:/i.test(specifier)) {
    let url: URL;
    try {
      url = new URL(specifier);
    } catch {
      throw new CliUsageError(`<module> '${specifier}' is not a valid URL.`);
    }
    if (url.protocol === 'data:') return url.href;
    if (url.protocol !== 'file:') {
      throw new CliUsageError(`<module> '${specifier}': only file: and data: URLs can be loaded.`);
    }
    checkFile(url, specifier);
    return url.href;
  }
  const path = resolve(cwd, specifier);
  checkFile(path, specifier);
  return pathToFileURL(path).href;
}

function checkFile(path: string | URL, specifier: string): void {
  if (!existsSync(path)) throw new CliUsageError(`<module> '${specifier}' not found.`);
  if (!statSync(path).isFile()) throw new CliUsageError(`<module> '${specifier}' is not a file.`);
}

function parseOrThrow(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: kOptions, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages go on with advice about `--`; the first sentence is what went wrong.
    const message = (error as Error).message.split(/(?<=\.) /)[0] ?? String(error);
    throw new CliUsageError(message, { cause: error });
  }
}

function wholeNumber(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new CliUsageError(`${flag} must be a whole number ≥ ${min}, got '${value}'.`);
  }
  return parsed;
}

function exportNameOf(value: string | undefined): string {
  if (value === undefined) return 'default';
  if (value.length === 0) throw new CliUsageError('--export must not be empty.');
  return value;
}

function argsOf(json: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new CliUsageError(`--args is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(parsed)) throw new CliUsageError('--args must be a JSON array, e.g. --args "[1, 2]".');
  return parsed;
}
