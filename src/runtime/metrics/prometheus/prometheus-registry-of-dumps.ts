// Turns metric dumps into a prom-client Registry, as Flink's
// AbstractPrometheusReporter turns its metrics into collectors: counters,
// gauges and meters (their rate) are Prometheus gauges, as in Flink (a Flink
// counter may go down); a histogram is its quantiles under a `quantile` label,
// with `_count`, as Flink's HistogramSummaryProxy writes them. Built afresh per
// scrape from that scrape's dumps, so metrics of tasks that ended go away.

import { Gauge, Registry } from 'prom-client';
import type { MetricDump, MetricDumpSnapshot } from '../metric-dump.js';
import { labelNameOf, prometheusNameOf } from './prometheus-names.js';

const kQuantiles: readonly (readonly [string, keyof HistogramQuantiles])[] = [
  ['0.5', 'median'],
  ['0.75', 'p75'],
  ['0.95', 'p95'],
  ['0.98', 'p98'],
  ['0.99', 'p99'],
  ['0.999', 'p999'],
];

interface HistogramQuantiles {
  readonly median: number;
  readonly p75: number;
  readonly p95: number;
  readonly p98: number;
  readonly p99: number;
  readonly p999: number;
}

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

interface Family {
  readonly help: string;
  readonly labelNames: Set<string>;
  readonly samples: Sample[];
}

export function prometheusRegistryOf(snapshots: readonly MetricDumpSnapshot[]): Registry {
  const families = new Map<string, Family>();
  const add = (name: string, help: string, labels: Record<string, string>, value: number) => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { help, labelNames: new Set(), samples: [] }));
    for (const label of Object.keys(labels)) family.labelNames.add(label);
    family.samples.push({ labels, value });
  };
  for (const snapshot of snapshots) {
    for (const dump of snapshot.dumps) {
      const name = prometheusNameOf(dump.scope.logicalScope, dump.name);
      const help = `${dump.name} (scope: ${dump.scope.logicalScope})`;
      const labels: Record<string, string> = {};
      for (const [key, value] of Object.entries(dump.scope.variables)) labels[labelNameOf(key)] = value;
      addDump(dump, name, help, labels, add);
    }
  }
  const registry = new Registry();
  for (const [name, family] of families) {
    const labelNames = [...family.labelNames];
    const gauge = new Gauge({ name, help: family.help, labelNames, registers: [registry] });
    for (const sample of family.samples) {
      const labels: Record<string, string> = {};
      // A label set must name every label of the family; a missing one is empty, as Prometheus reads it.
      for (const label of labelNames) labels[label] = sample.labels[label] ?? '';
      gauge.set(labels, sample.value);
    }
  }
  return registry;
}

function addDump(
  dump: MetricDump,
  name: string,
  help: string,
  labels: Record<string, string>,
  add: (name: string, help: string, labels: Record<string, string>, value: number) => void,
): void {
  switch (dump.category) {
    case 'counter':
      add(name, help, labels, dump.count);
      return;
    case 'gauge':
      add(name, help, labels, dump.value);
      return;
    case 'meter':
      add(name, help, labels, dump.rate);
      return;
    case 'histogram':
      for (const [quantile, key] of kQuantiles) add(name, help, { ...labels, quantile }, dump[key]);
      add(`${name}_count`, `${help}, values recorded`, labels, dump.count);
      return;
  }
}
