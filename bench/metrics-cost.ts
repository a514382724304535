// The cost of metrics, measured side by side: samples of one measure with
// metrics on and off, taken in pairs back to back (alternating which goes
// first) in the same run, give medians, a spread per mode, and the cost in
// percent: the median of the pairs' ratios, so that a machine whose speed
// drifts between pairs (a shared one) weighs on both modes alike (positive:
// metrics made it slower). Shared by bench:rpc and bench:jobs.

import { median, round } from './stats.js';

export interface MetricsCost {
  readonly on: number;
  readonly off: number;
  /** (max − min) / median of each mode, in percent: how noisy the machine was. */
  readonly spreadOnPct: number;
  readonly spreadOffPct: number;
  /** on / off of the medians. */
  readonly ratio: number;
  /** How much slower with metrics, in percent of the time per operation (median of the pairs); negative: faster (noise). */
  readonly costPct: number;
}

function spreadPct(values: readonly number[]): number {
  return ((Math.max(...values) - Math.min(...values)) / median([...values])) * 100;
}

/** `higherIsBetter`: throughputs (ops/s); otherwise times (µs, ms). */
export function metricsCost(
  on: readonly number[],
  off: readonly number[],
  higherIsBetter: boolean,
): MetricsCost {
  const medianOn = median([...on]);
  const medianOff = median([...off]);
  const costPct = higherIsBetter ? (medianOff / medianOn - 1) * 100 : (medianOn / medianOff - 1) * 100;
  return {
    on: medianOn,
    off: medianOff,
    spreadOnPct: round(spreadPct(on), 1),
    spreadOffPct: round(spreadPct(off), 1),
    ratio: round(medianOn / medianOff, 3),
    costPct: round(costPct, 2),
  };
}

/** Round r runs the modes in this order: off then on, then on then off, so drift falls on both. */
export function alternatingModes(round: number): readonly boolean[] {
  return round % 2 === 0 ? [false, true] : [true, false];
}
