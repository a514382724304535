// GET /taskmanagers/:id/metrics and /jobmanager/metrics: a component's own
// metrics as Flink's REST API gives them. Without `?get=`, the ids of the
// metrics there are (`[{ id }]`); with `?get=a,b`, those metrics' values as
// strings (`[{ id, value }]`), unknown ids left out. Mirrors Flink's
// TaskManagerMetricsHandler and JobManagerMetricsHandler (AbstractMetricsHandler),
// which read a MetricStore fed by the MetricQueryServices; here the thread's
// dump is asked for on each request. An id is the metric's name under its
// component, e.g. `Status.Node.Memory.Heap.Used`; a histogram gives one id per
// statistic (`taskDuration_p99`), as Flink's MetricStore stores them.

import type { MetricDump, MetricDumpSnapshot } from '../../metrics/metric-dump.js';
import type { ResourceID } from '../../types/ids.js';
import type { RestGateways } from '../rest-gateways.js';

export interface MetricValue {
  readonly id: string;
  readonly value?: string;
}

const kHistogramStatistics = [
  ['count', 'count'],
  ['min', 'min'],
  ['max', 'max'],
  ['mean', 'mean'],
  ['stddev', 'stddev'],
  ['p50', 'median'],
  ['p75', 'p75'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p98', 'p98'],
  ['p99', 'p99'],
  ['p999', 'p999'],
] as const;

/** The component's own metrics (not its jobs' or tasks'), by id. */
function metricsOf(
  snapshot: MetricDumpSnapshot,
  component: 'taskmanager' | 'jobmanager',
): Map<string, number> {
  const values = new Map<string, number>();
  for (const dump of snapshot.dumps) {
    const [first, ...rest] = dump.scope.logicalScope.split('.');
    if (first !== component || rest[0] === 'job') continue;
    const id = [...rest, dump.name].join('.');
    addValues(values, id, dump);
  }
  return values;
}

function addValues(values: Map<string, number>, id: string, dump: MetricDump): void {
  switch (dump.category) {
    case 'counter':
      values.set(id, dump.count);
      return;
    case 'gauge':
      values.set(id, dump.value);
      return;
    case 'meter':
      values.set(id, dump.rate);
      return;
    case 'histogram':
      for (const [suffix, field] of kHistogramStatistics) values.set(`${id}_${suffix}`, dump[field]);
  }
}

function answer(values: Map<string, number>, requested: readonly string[] | undefined): MetricValue[] {
  if (!requested) return [...values.keys()].sort().map((id) => ({ id }));
  const found: MetricValue[] = [];
  for (const id of requested) {
    const value = values.get(id);
    if (value !== undefined) found.push({ id, value: String(value) });
  }
  return found;
}

export async function handleTaskManagerMetrics(
  gateways: RestGateways,
  taskManagerId: ResourceID,
  requested: readonly string[] | undefined,
): Promise<MetricValue[]> {
  const resourceManager = await gateways.resourceManager();
  const snapshot = await resourceManager.requestTaskManagerMetrics(taskManagerId, gateways.timeoutMs);
  return answer(metricsOf(snapshot, 'taskmanager'), requested);
}

export async function handleJobManagerMetrics(
  gateways: RestGateways,
  requested: readonly string[] | undefined,
): Promise<MetricValue[]> {
  const resourceManager = await gateways.resourceManager();
  const snapshot = await resourceManager.requestJobManagerMetricDump(gateways.timeoutMs);
  return answer(metricsOf(snapshot, 'jobmanager'), requested);
}
