// Gathers the dumps of several threads at once for one scrape or request; a
// thread that does not answer is left out (and logged), as Flink's
// MetricFetcher leaves out a TaskManager whose query failed.

import { getLogger } from '../../actor/logger.js';
import type { MetricDumpSnapshot } from './metric-dump.js';

const log = getLogger('MetricFetcher');

export async function gatherMetricDumps(
  sources: readonly (() => Promise<MetricDumpSnapshot>)[],
): Promise<MetricDumpSnapshot[]> {
  const settled = await Promise.allSettled(sources.map((source) => source()));
  const dumps: MetricDumpSnapshot[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') dumps.push(outcome.value);
    else log.debug('A thread did not answer a metric query.', outcome.reason);
  }
  return dumps;
}
