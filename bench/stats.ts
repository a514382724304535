// Small helpers shared by the benchmark scripts: medians and table printing.

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function printTable(rows: Record<string, string | number>[]): void {
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(keys));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(keys.map((k) => String(row[k]))));
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** The smallest and largest value: the spread the benches print beside a median. */
export function minMax(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** `median (min–max)`, rounded, for a table cell. */
export function medianAndSpread(values: readonly number[], digits = 1): string {
  const { min, max } = minMax(values);
  return `${round(median([...values]), digits)} (${round(min, digits)}–${round(max, digits)})`;
}
