// The configuration a threadlink process starts with: the --config file's keys,
// checked, with the command line's flags on top. Mirrors Flink's
// GlobalConfiguration.loadConfiguration plus the dynamic properties of its
// entrypoints; the precedence is Flink's: flags over the file over the defaults.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { ConfigValue } from '../../runtime/configuration/config-option.js';
import { ConfigFileError } from './cli-usage-error.js';
import { configWarning, type ConfigWarning } from './config-warning.js';
import { lookupConfigKey, nearestConfigKey } from './known-config-keys.js';
import { checkSettings } from './settings-checks.js';
import { parseYamlConfig, type ConfigFileEntry } from './yaml-config-file.js';

/** Plain data, so it clones into workers: `new Configuration(values)` reads it through the options. */
export interface ClusterConfiguration {
  /** The --config file as it was given, or undefined without one. */
  readonly file: string | undefined;
  /** Flat Flink keys to raw values: the file's (unknown keys included), then the flags'. */
  readonly values: Readonly<Record<string, ConfigValue>>;
  /** One line each, for stderr: unknown, deprecated, repeated and empty keys. */
  readonly warnings: readonly ConfigWarning[];
}

export const kNoClusterConfiguration: ClusterConfiguration = Object.freeze({
  file: undefined,
  values: Object.freeze({}),
  warnings: Object.freeze([]),
});

export interface LoadConfigurationOptions {
  /** Where a relative file path starts. Default: process.cwd(). */
  readonly cwd?: string;
  /** Reads a file as UTF-8; tests inject one. Default: readFileSync. */
  readonly readFile?: (path: string) => string;
}

/**
 * The configuration of `file` (a YAML path, relative to `cwd`), or of nothing
 * when it is undefined. Throws ConfigFileError, one line naming the file (and
 * the line and key when there is one), when the file cannot be used.
 */
export function loadClusterConfiguration(
  file: string | undefined,
  options: LoadConfigurationOptions = {},
): ClusterConfiguration {
  if (file === undefined) return kNoClusterConfiguration;
  const parsed = parseYamlConfig(readConfigFile(file, options), file);
  const configuration = checkConfigEntries(file, parsed);
  const lines = new Map(parsed.entries.map((entry) => [entry.key, entry.line]));
  checkSettings(file, configuration.values, (key) => lines.get(key));
  return configuration;
}

/** Checks each entry against the known keys; the first bad value of a known key throws. */
export function checkConfigEntries(
  file: string,
  parsed: { readonly entries: readonly ConfigFileEntry[]; readonly warnings: readonly ConfigWarning[] },
): ClusterConfiguration {
  const warnings = [...parsed.warnings];
  const values: Record<string, ConfigValue> = {};
  for (const { key, value, line } of parsed.entries) {
    const known = lookupConfigKey(key);
    if (known === undefined) {
      const nearest = nearestConfigKey(key);
      warnings.push(
        configWarning(
          'unknown-key',
          { file, line, key },
          `unknown key ${key}` +
            (nearest === undefined ? '; threadlink does not read it.' : ` (did you mean ${nearest}?)`),
        ),
      );
    } else {
      try {
        known.option.convert(value);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ConfigFileError(
          { file, problem: 'invalid-value', line, key },
          `${key}: ${sentence(reason)}`,
          {
            cause: error,
          },
        );
      }
      if (known.replacedBy !== undefined) {
        warnings.push(
          configWarning(
            'deprecated-key',
            { file, line, key },
            `${key} is deprecated; use ${known.replacedBy}.`,
          ),
        );
      }
    }
    values[key] = value;
  }
  // In file order: the parser's warnings and the keys' were collected apart.
  warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { file, values, warnings };
}

/** `configuration` with `overrides` (the flags) on top; an undefined override leaves the key as it is. */
export function withOverrides(
  configuration: ClusterConfiguration,
  overrides: Readonly<Record<string, ConfigValue | undefined>>,
): ClusterConfiguration {
  const values = { ...configuration.values };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) values[key] = value;
  return { ...configuration, values };
}

function readConfigFile(file: string, options: LoadConfigurationOptions): string {
  const path = resolve(options.cwd ?? process.cwd(), file);
  try {
    return (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigFileError({ file, problem: 'not-found' }, 'no such config file.', { cause: error });
    }
    const why =
      code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : messageOf(error);
    throw new ConfigFileError({ file, problem: 'unreadable' }, `cannot read the config file: ${why}.`, {
      cause: error,
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
