// The values of `threadlink`'s flags and positionals, each checked into one
// usage-error line, and the handling of argv around node's parseArgs. Flink's
// CliFrontendParser does the same with commons-cli; the checks are threadlink's.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { JobID } from '../runtime/types/ids.js';
import { CliUsageError } from './config/cli-usage-error.js';
import { parseHost, parseHostPort, type HostPort } from './config/network-address.js';

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

export type OptionSet = Readonly<Record<string, { readonly type: 'string' | 'boolean' }>>;

/**
 * `--flag value` as `--flag=value` for every option that takes a value, so that
 * `--tasks -3` reads -3 as the value (and fails as a number) the way `--tasks=-3`
 * does; node's parseArgs would take `-3` for an option. A value is never a long
 * option: `--tasks --slots 2` is a missing value.
 */
export function withValuesJoined(args: readonly string[], options: OptionSet): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name === undefined || options[name]?.type !== 'string') {
      joined.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new CliUsageError(`${arg} needs a value.`);
    joined.push(`${arg}=${value}`);
    i++;
  }
  return joined;
}

/** -h or --help before any `--`: help wins over every other mistake on the line. */
export function helpAsked(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '-h' || arg === '--help');
}

/** The flags given, each a string or (for --help) a boolean. */
export type ParsedFlags<T extends OptionSet> = {
  readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string;
};

/** parseArgs for one command, with at most `positionals` positionals (named `what` in the error). */
export function parseOrThrow<T extends OptionSet>(
  args: string[],
  options: T,
  positionals: 0 | 1,
  what = '<JOBID>',
): { readonly values: ParsedFlags<T>; readonly positionals: readonly string[] } {
  let parsed: { values: unknown; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages go on with advice about `--`; the first sentence is what went wrong.
    const message = (error as Error).message.split(/(?<=\.) /)[0] ?? String(error);
    throw new CliUsageError(message, { cause: error });
  }
  const extra = parsed.positionals[positionals];
  if (extra !== undefined) {
    throw new CliUsageError(`Unexpected argument '${extra}'${positionals > 0 ? ` after ${what}` : ''}.`);
  }
  return { values: parsed.values as ParsedFlags<T>, positionals: parsed.positionals };
}

/** A whole number ≥ min, or undefined when the flag is absent. */
export function wholeNumber(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new CliUsageError(`${flag} must be a whole number ≥ ${min}, got '${value}'.`);
  }
  return parsed;
}

/** A port to listen on: 0 to 65535, or undefined when the flag is absent. */
export function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d{1,5}$/.test(value.trim()) ? Number(value) : NaN;
  if (!(parsed <= 65535)) {
    throw new CliUsageError(`${flag} must be a whole number from 0 to 65535, got '${value}'.`);
  }
  return parsed;
}

export function hostFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return parseHost(value);
  } catch (error) {
    throw new CliUsageError(`${flag}: ${(error as Error).message}.`, { cause: error });
  }
}

export function hostPortFlag(value: string | undefined, flag = '--jobmanager'): HostPort | undefined {
  if (value === undefined) return undefined;
  try {
    return parseHostPort(value);
  } catch (error) {
    throw new CliUsageError(`${flag}: ${(error as Error).message}.`, { cause: error });
  }
}

/**
 * A job id as `threadlink list` prints it (32 hex digits, lower-cased here as
 * JobID.generate writes them), or any id the blob service would accept.
 */
export function jobIdOf(text: string | undefined): JobID {
  if (text === undefined) throw new CliUsageError('Missing <JOBID>: `threadlink cancel <JOBID>`.');
  if (/^[\da-f]{32}$/i.test(text)) return JobID.of(text.toLowerCase());
  if (/^[\w-]{1,128}$/.test(text)) return JobID.of(text);
  throw new CliUsageError(
    `<JOBID> must be 32 hex digits, or 1 to 128 letters, digits, '_' or '-', got '${text}'.`,
  );
}

export function exportNameOf(value: string | undefined): string {
  if (value === undefined) return 'default';
  if (value.length === 0) throw new CliUsageError('--export must not be empty.');
  return value;
}

export function argsOf(json: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new CliUsageError(`--args is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(parsed)) throw new CliUsageError('--args must be a JSON array, e.g. --args "[1, 2]".');
  return parsed;
}
