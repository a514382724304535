// Serves a process's metrics to Prometheus over HTTP, at
// metrics.reporter.prom.host:port (a port or a range, the first free one
// taken, as Flink's PrometheusReporter does with its port range). Each scrape
// gathers the dumps of the process's threads (`gather`), so a metric is read
// only when someone asks. Mirrors Flink's PrometheusReporter, whose HTTPServer
// serves every path.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger } from '../../../actor/logger.js';
import { FlinkError } from '../../flink-error.js';
import { registerErrorClasses } from '../../../actor/error-codec.js';
import type { MetricDumpSnapshot } from '../metric-dump.js';
import { prometheusRegistryOf } from './prometheus-registry-of-dumps.js';

const log = getLogger('PrometheusReporter');

/** No port of the configured range could be bound. */
export class PrometheusReporterBindError extends FlinkError {
  static override readonly code = 'ERR_PROMETHEUS_REPORTER_BIND';
}
registerErrorClasses(PrometheusReporterBindError);

export interface PrometheusReporterOptions {
  /** Default 127.0.0.1: metrics are not for the whole network unless asked. */
  readonly host?: string;
  /** `9249`, or a range `9250-9260`; 0 picks a free port. */
  readonly port: string | number;
  /** The dumps of the process's threads, gathered per scrape. */
  readonly gather: () => Promise<readonly MetricDumpSnapshot[]>;
}

export class PrometheusReporter {
  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: PrometheusReporterOptions): Promise<PrometheusReporter> {
    const host = options.host ?? '127.0.0.1';
    const [from, to] = portRange(options.port);
    let lastError: unknown;
    for (let port = from; port <= to; port++) {
      const server = createServer((request, response) => {
        void serve(options.gather).then(({ status, contentType, body }) => {
          response.writeHead(status, { 'Content-Type': contentType });
          response.end(request.method === 'HEAD' ? undefined : body);
        });
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        const bound = (server.address() as AddressInfo).port;
        log.info(`The Prometheus reporter listens at http://${host}:${bound}/metrics.`);
        return new PrometheusReporter(server, host, bound);
      } catch (error) {
        lastError = error;
        server.close();
      }
    }
    throw new PrometheusReporterBindError(
      `The Prometheus reporter could not bind to ${host}:${String(options.port)}.`,
      { cause: lastError },
    );
  }

  /** Stops listening and ends every open connection (a scraper keeps its connection alive). */
  closeAsync(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function portRange(port: string | number): [number, number] {
  const text = String(port).trim();
  const range = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(text);
  if (!range) throw new RangeError(`'${text}' is not a port or a port range such as 9250-9260.`);
  const from = Number(range[1]);
  return [from, range[2] === undefined ? from : Number(range[2])];
}

async function serve(
  gather: () => Promise<readonly MetricDumpSnapshot[]>,
): Promise<{ status: number; contentType: string; body: string }> {
  try {
    const registry = prometheusRegistryOf(await gather());
    return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
  } catch (error) {
    log.warn('Could not gather the metrics for a scrape.', error);
    return {
      status: 500,
      contentType: 'text/plain',
      body: `Could not gather the metrics: ${String(error)}\n`,
    };
  }
}
