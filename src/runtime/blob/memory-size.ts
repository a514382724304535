// Sizes such as "256 mb" or "1 gb", with the units of Flink's MemorySize.parse:
// every unit is binary (1 kb = 1024 bytes), and a bare number means bytes. Kept
// next to the blob options, its only user, until another option needs it.

import type { ConfigOption, ConfigValue } from '../configuration/config-option.js';

const kUnitBytes = new Map<string, number>();
for (const [bytes, names] of [
  [1, ['b', 'bytes']],
  [1024, ['k', 'kb', 'kibibytes']],
  [1024 ** 2, ['m', 'mb', 'mebibytes']],
  [1024 ** 3, ['g', 'gb', 'gibibytes']],
  [1024 ** 4, ['t', 'tb', 'tebibytes']],
] as const) {
  for (const name of names) kUnitBytes.set(name, bytes);
}

/** Bytes for `text`; throws a TypeError that says what was wrong. */
export function parseMemorySize(text: string): number {
  const match = /^(\d+)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (!match) throw new TypeError(`'${text}' is not a memory size: expected a number and an optional unit`);
  const [, digits = '', unit = ''] = match;
  const perUnit = unit === '' ? 1 : kUnitBytes.get(unit.toLowerCase());
  if (perUnit === undefined) {
    throw new TypeError(`'${unit}' in '${text}' is not a memory unit; use one of b, kb, mb, gb, tb`);
  }
  const value = Number(digits) * perUnit;
  if (!Number.isSafeInteger(value)) throw new TypeError(`'${text}' is too large`);
  return value;
}

/** A size in bytes; accepts a number of bytes or a string such as "256 mb". */
export function memorySizeOption(
  key: string,
  spec: { readonly defaultValue: number; readonly description: string },
): ConfigOption<number> {
  return Object.freeze({
    key,
    defaultValue: spec.defaultValue,
    description: spec.description,
    deprecatedKeys: [],
    fallbackKeys: [],
    convert: (raw: ConfigValue): number => {
      if (typeof raw === 'number') {
        if (!Number.isSafeInteger(raw)) throw new TypeError(`${raw} is not a whole number of bytes`);
        return raw;
      }
      if (typeof raw === 'string') return parseMemorySize(raw);
      throw new TypeError(`a ${typeof raw} is not a memory size`);
    },
  });
}
