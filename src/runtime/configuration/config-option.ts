// A typed configuration key with its default, mirroring Flink's ConfigOption.
// Deprecated keys are old names of the same option; fallback keys belong to other
// options whose value is used when this one is not set (as with
// taskmanager.slot.timeout falling back to the ask timeout). Which keys exist at
// all is the registry's business (cluster/config/known-config-keys.ts).

import { parseDurationMs } from './duration.js';

/** What a Configuration stores: plain values, so a configuration clones across threads. */
export type ConfigValue = string | number | boolean;

export interface ConfigOption<T> {
  readonly key: string;
  readonly defaultValue: T;
  readonly deprecatedKeys: readonly string[];
  readonly fallbackKeys: readonly string[];
  readonly description: string;
  /** Turns a stored value into T; throws a TypeError saying why it cannot. */
  readonly convert: (raw: ConfigValue) => T;
}

interface OptionSpec<T> {
  readonly defaultValue: T;
  readonly description: string;
  readonly deprecatedKeys?: readonly string[];
  readonly fallbackKeys?: readonly string[];
}

function option<T>(key: string, spec: OptionSpec<T>, convert: (raw: ConfigValue) => T): ConfigOption<T> {
  return Object.freeze({
    key,
    defaultValue: spec.defaultValue,
    description: spec.description,
    deprecatedKeys: spec.deprecatedKeys ?? [],
    fallbackKeys: spec.fallbackKeys ?? [],
    convert,
  });
}

/** A duration in milliseconds; accepts a number of ms or a string such as "10 s". */
export function durationOption(key: string, spec: OptionSpec<number>): ConfigOption<number> {
  return option(key, spec, (raw) => {
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) throw new TypeError(`${raw} is not a finite number of milliseconds`);
      return raw;
    }
    if (typeof raw === 'string') return parseDurationMs(raw);
    throw new TypeError(`a ${typeof raw} is not a duration`);
  });
}

/** An integer; accepts a number or a string of digits. */
export function integerOption(key: string, spec: OptionSpec<number>): ConfigOption<number> {
  return option(key, spec, (raw) => {
    const value = typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new TypeError(`${JSON.stringify(raw)} is not an integer`);
    }
    return value;
  });
}

/** A string; a number or boolean is taken as its text, as a configuration file would give it. */
export function stringOption(key: string, spec: OptionSpec<string>): ConfigOption<string> {
  return option(key, spec, (raw) => String(raw));
}

/** A boolean; accepts true/false or the strings "true"/"false" in any case. */
export function booleanOption(key: string, spec: OptionSpec<boolean>): ConfigOption<boolean> {
  return option(key, spec, (raw) => {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string' && /^\s*(true|false)\s*$/i.test(raw))
      return raw.trim().toLowerCase() === 'true';
    throw new TypeError(`${JSON.stringify(raw)} is not a boolean`);
  });
}
