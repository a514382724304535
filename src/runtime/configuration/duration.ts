// Parses durations such as "100 ms", "10 s" or "5 min" into milliseconds, with the
// units of Flink's TimeUtils.parseDuration. A bare number means milliseconds.

const kUnitMs = new Map<string, number>();
for (const [ms, names] of [
  [1, ['ms', 'milli', 'millis', 'millisecond', 'milliseconds']],
  [1000, ['s', 'sec', 'secs', 'second', 'seconds']],
  [60_000, ['m', 'min', 'mins', 'minute', 'minutes']],
  [3_600_000, ['h', 'hour', 'hours']],
  [86_400_000, ['d', 'day', 'days']],
] as const) {
  for (const name of names) kUnitMs.set(name, ms);
}

/** Milliseconds for `text`; throws a TypeError that says what was wrong. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (!match)
    throw new TypeError(`'${text}' is not a duration: expected a number followed by an optional unit`);
  const [, digits = '', unit = ''] = match;
  const perUnit = unit === '' ? 1 : kUnitMs.get(unit.toLowerCase());
  if (perUnit === undefined) {
    throw new TypeError(`'${unit}' in '${text}' is not a time unit; use one of ms, s, min, h, d`);
  }
  const value = Number(digits) * perUnit;
  if (!Number.isSafeInteger(value)) throw new TypeError(`'${text}' is too large`);
  return value;
}
