// Starts a process's Prometheus reporter when the configuration asks for one
// (metrics.reporter.prom.port is set), at metrics.reporter.prom.host (loopback
// by default). Mirrors Flink's ReporterSetup, which instantiates the reporters
// named in the configuration; Prometheus is the one threadlink has.

import { getLogger } from '../actor/logger.js';
import type { Configuration } from '../runtime/configuration/configuration.js';
import type { MetricDumpSnapshot } from '../runtime/metrics/metric-dump.js';
import { PrometheusReporter } from '../runtime/metrics/prometheus/prometheus-reporter.js';
import { MetricOptions } from './config/entrypoint-options.js';

const log = getLogger('ReporterSetup');

export async function startPrometheusReporterIfConfigured(
  configuration: Configuration,
  gather: () => Promise<readonly MetricDumpSnapshot[]>,
): Promise<PrometheusReporter | undefined> {
  if (!configuration.contains(MetricOptions.PROMETHEUS_PORT)) return undefined;
  const host = configuration.get(MetricOptions.PROMETHEUS_HOST) || '127.0.0.1';
  const reporter = await PrometheusReporter.start({
    host,
    port: configuration.get(MetricOptions.PROMETHEUS_PORT),
    gather,
  });
  log.info(`Metrics are served to Prometheus at http://${host}:${reporter.port}/metrics.`);
  return reporter;
}
