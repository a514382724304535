// The jobmanager process of a cluster: one RpcService listening on
// jobmanager.rpc.port, a BlobServer, a ResourceManager and Dispatcher
// (DispatcherResourceManagerComponent), and the REST API with the dashboard on
// rest.port (WebMonitorEndpoint). Without HA they are the leaders for
// good, at the fixed ids `resourcemanager_0` and `dispatcher_0` that every
// taskmanager and client is told. With ZooKeeper HA several jobmanagers run,
// each enters the elections, and the one that wins recovers the stored jobs.
// Mirrors Flink's StandaloneSessionClusterEntrypoint (ClusterEntrypoint).

import { getLogger } from '../../actor/logger.js';
import { RpcService } from '../../rpc/rpc-service.js';
import { BlobServer } from '../../runtime/blob/blob-server.js';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import type { HighAvailabilityServices } from '../../runtime/highavailability/high-availability-services.js';
import { RestEndpointServices } from '../../runtime/rest/rest-endpoint-services.js';
import { JobManagerOptions } from '../config/entrypoint-options.js';
import { restServerConfigurationOf } from '../config/rest-server-options.js';
import { rpcServiceOptionsOf } from '../config/rpc-service-options.js';
import { createHighAvailability } from '../high-availability-services-utils.js';
import { DispatcherResourceManagerComponent } from './dispatcher-resource-manager-component.js';
import { createMetricDump } from '../../runtime/metrics/metric-query-service.js';
import type { PrometheusReporter } from '../../runtime/metrics/prometheus/prometheus-reporter.js';
import { startPrometheusReporterIfConfigured } from '../metrics-reporter-setup.js';

const log = getLogger('JobManagerProcess');

export interface JobManagerProcessOptions {
  /** A fatal error of the ResourceManager or Dispatcher; the owner ends the process. */
  readonly onFatalError: (error: Error) => void;
}

export class JobManagerProcess {
  private closing: Promise<void> | undefined;
  private prometheusReporter: PrometheusReporter | undefined;

  private constructor(
    readonly rpcService: RpcService,
    private readonly blobServer: BlobServer,
    private readonly haServices: HighAvailabilityServices,
    readonly component: DispatcherResourceManagerComponent,
    private readonly rest: RestEndpointServices,
  ) {}

  /** Listens on jobmanager.rpc.port (0 picks a free one) and starts the components. */
  static async start(
    configuration: Configuration,
    options: JobManagerProcessOptions,
  ): Promise<JobManagerProcess> {
    const host = configuration.get(JobManagerOptions.ADDRESS);
    const rpc = await RpcService.start(
      rpcServiceOptionsOf(configuration, host, configuration.get(JobManagerOptions.PORT)),
    );
    let haServices: HighAvailabilityServices | undefined;
    let component: DispatcherResourceManagerComponent | undefined;
    try {
      const ha = createHighAvailability(configuration, { host, port: rpc.getPort() });
      haServices = ha.haServices;
      const blobServer = new BlobServer(rpc, {
        configuration,
        ...(ha.blobStore ? { blobStore: ha.blobStore } : {}),
      });
      blobServer.start();
      await blobServer.getStorageDir();
      component = new DispatcherResourceManagerComponent({
        rpcService: rpc,
        haServices,
        configuration,
        jobPersistence: ha.jobPersistence,
        cleanupJob: (jobId) => blobServer.cleanupJob(jobId),
        onFatalError: options.onFatalError,
      });
      component.start();
      const started = component;
      const rest = await RestEndpointServices.start({
        rpcService: rpc,
        haServices,
        configuration: configuration.toMap(),
        timeoutMs: rpc.askTimeoutMs,
        server: restServerConfigurationOf(configuration),
      });
      log.info(`The jobmanager listens at ${rpc.getAddress()}, its REST API at ${rest.getRestBaseUrl()}.`);
      const process = new JobManagerProcess(rpc, blobServer, haServices, component, rest);
      try {
        // As in Flink, the jobmanager process serves its own metrics; each taskmanager serves its TaskExecutors'.
        process.prometheusReporter = await startPrometheusReporterIfConfigured(configuration, async () => [
          createMetricDump(started.metricRegistry),
        ]);
      } catch (error) {
        await process.closeAsync().catch(() => {});
        throw error;
      }
      return process;
    } catch (error) {
      await component?.closeAsync().catch(() => {});
      await haServices?.closeAsync().catch(() => {});
      await rpc.closeAsync().catch(() => {});
      throw error;
    }
  }

  /** `host:port`, what `threadlink taskmanager --jobmanager` and `run --jobmanager` take. */
  getAddress(): string {
    return this.rpcService.getAddress();
  }

  /** `http(s)://host:port` of the REST API and dashboard. */
  getRestBaseUrl(): string {
    return this.rest.getRestBaseUrl();
  }

  /** The port of the Prometheus reporter, when metrics.reporter.prom.port is configured. */
  getPrometheusReporterPort(): number | undefined {
    return this.prometheusReporter?.port;
  }

  /** The REST API and reporter first; then jobs (their JobMasters free their slots), the ResourceManager, blobs, HA and transport. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      const results = await Promise.allSettled([
        this.rest.closeAsync(),
        this.prometheusReporter?.closeAsync(),
      ]);
      results.push(...(await Promise.allSettled([this.component.closeAsync()])));
      results.push(...(await Promise.allSettled([this.blobServer.closeAsync()])));
      results.push(...(await Promise.allSettled([this.haServices.closeAsync()])));
      results.push(...(await Promise.allSettled([this.rpcService.closeAsync()])));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    })();
    return this.closing;
  }
}
