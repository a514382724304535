// The taskmanager process of a standalone cluster: N TaskExecutors, one per
// worker thread, that register with the jobmanager's ResourceManager. The main
// thread holds what the process shares: the RpcService the workers inherit
// their TCP settings from, the HA services behind a LeaderInformationServer
// (standalone: the jobmanager's fixed addresses; ZooKeeper: one session for
// the process), and the BlobCache, which downloads a job's blobs once for all
// TaskExecutors of the process, from the current leader's BlobServer. Mirrors
// Flink's TaskManagerRunner main, which runs one TaskExecutor per process.

import { getLogger } from '../../actor/logger.js';
import { RpcService } from '../../rpc/rpc-service.js';
import type { WorkerHandle } from '../../rpc/worker-handle.js';
import { BlobCacheService } from '../../runtime/blob/blob-cache-service.js';
import { PermanentBlobCache } from '../../runtime/blob/permanent-blob-cache.js';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import { TaskManagerConfiguration } from '../../runtime/configuration/task-manager-configuration.js';
import { HeartbeatServices } from '../../runtime/heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../../runtime/highavailability/high-availability-services.js';
import { LeaderInformationServer } from '../../runtime/highavailability/leader-information-server.js';
import type { LeaderRetrievalService } from '../../runtime/highavailability/leader-retrieval.js';
import { kTaskManagerWorkerEntry, kTaskManagerWorkerModule } from '../../worker-entries.js';
import type { TaskManagerWorkerData, TaskManagerWorkerInfo } from '../../../workers/task-manager-worker.js';
import { TaskExecutorGateway } from '../../runtime/gateways/task-executor-gateway.js';
import { gatherMetricDumps } from '../../runtime/metrics/gather-metric-dumps.js';
import type { MetricDumpSnapshot } from '../../runtime/metrics/metric-dump.js';
import type { PrometheusReporter } from '../../runtime/metrics/prometheus/prometheus-reporter.js';
import { startPrometheusReporterIfConfigured } from '../metrics-reporter-setup.js';
import { JobManagerOptions, StandaloneTaskManagerOptions } from '../config/entrypoint-options.js';
import { rpcServiceOptionsOf } from '../config/rpc-service-options.js';
import { createHighAvailability } from '../high-availability-services-utils.js';
import { blobServerBeside } from '../jobmanager/standalone-cluster-addresses.js';

const log = getLogger('TaskManagerProcess');

export interface TaskManagerProcessOptions {
  /** A TaskExecutor ended on its own (e.g. taskmanager.registration.timeout passed); the owner ends the process. */
  readonly onFatalError: (error: Error) => void;
}

interface RunningTaskExecutor {
  readonly resourceId: string;
  readonly handle: WorkerHandle;
  /** Its gateway, for the metric queries of the Prometheus reporter; connected on the first scrape. */
  gateway?: Promise<TaskExecutorGateway>;
}

export class TaskManagerProcess {
  private readonly taskExecutors: RunningTaskExecutor[] = [];
  private closing: Promise<void> | undefined;
  private prometheusReporter: PrometheusReporter | undefined;

  private constructor(
    readonly rpcService: RpcService,
    private readonly haServices: HighAvailabilityServices,
    private readonly resourceManagerLeader: LeaderRetrievalService,
    private readonly haServer: LeaderInformationServer,
    private readonly blobCache: PermanentBlobCache,
    private readonly blobCacheService: BlobCacheService,
    private readonly options: TaskManagerProcessOptions,
  ) {}

  /**
   * Starts taskmanager.task-executors TaskExecutors that look for the
   * jobmanager at jobmanager.rpc.address:port. Resolves once their threads run;
   * they register in the background, retrying until the jobmanager answers or
   * taskmanager.registration.timeout passes.
   */
  static async start(
    configuration: Configuration,
    options: TaskManagerProcessOptions,
  ): Promise<TaskManagerProcess> {
    const count = configuration.get(StandaloneTaskManagerOptions.TASK_EXECUTORS);
    // Checked here, once, rather than in every worker.
    HeartbeatServices.fromConfiguration(configuration);
    TaskManagerConfiguration.fromConfiguration(configuration);
    const jobManager = {
      host: configuration.get(JobManagerOptions.ADDRESS),
      port: configuration.get(JobManagerOptions.PORT),
    };
    // Port 0: the main thread and every TaskExecutor's thread listen on free ports.
    const rpc = await RpcService.start(
      rpcServiceOptionsOf(configuration, configuration.get(StandaloneTaskManagerOptions.HOST), 0),
    );
    let process: TaskManagerProcess | undefined;
    try {
      const { haServices } = createHighAvailability(configuration, jobManager);
      const haServer = new LeaderInformationServer(rpc, haServices);
      haServer.start();
      const blobCache = await PermanentBlobCache.create({ rpcService: rpc, configuration });
      // The BlobServer is the one beside the ResourceManager leader: it moves with a failover.
      const resourceManagerLeader = haServices.getResourceManagerLeaderRetriever();
      resourceManagerLeader.start({
        notifyLeaderAddress: (address) => {
          if (address) blobCache.setBlobServerAddress(blobServerBeside(address));
        },
        handleError: (error) => log.warn('Lost track of the ResourceManager leader.', error),
      });
      const blobCacheService = new BlobCacheService(rpc, blobCache);
      blobCacheService.start();
      process = new TaskManagerProcess(
        rpc,
        haServices,
        resourceManagerLeader,
        haServer,
        blobCache,
        blobCacheService,
        options,
      );
      for (let index = 0; index < count; index++) await process.startTaskExecutor(configuration, index);
      const started = process;
      started.prometheusReporter = await startPrometheusReporterIfConfigured(configuration, () =>
        started.requestMetricDumps(),
      );
      return process;
    } catch (error) {
      if (process) await process.closeAsync().catch(() => {});
      else await rpc.closeAsync().catch(() => {});
      throw error;
    }
  }

  /** The ResourceIDs of the TaskExecutors: `<host>_<port>-<index>`, unique in the cluster. */
  getResourceIds(): string[] {
    return this.taskExecutors.map(({ resourceId }) => resourceId);
  }

  /** The metrics of each TaskExecutor thread of this process, from its requestMetricDump. */
  requestMetricDumps(timeoutMs = this.rpcService.askTimeoutMs): Promise<MetricDumpSnapshot[]> {
    return gatherMetricDumps(
      this.taskExecutors.map((running) => async () => {
        const address = (running.handle.result as TaskManagerWorkerInfo).address;
        let gateway = running.gateway;
        if (!gateway) {
          const connecting =
            (gateway =
            running.gateway =
              this.rpcService.connect(address, TaskExecutorGateway));
          // A failed connect is tried again on the next scrape.
          connecting.catch(() => {
            if (running.gateway === connecting) running.gateway = undefined;
          });
        }
        return (await gateway).requestMetricDump(timeoutMs);
      }),
    );
  }

  /** The port of the Prometheus reporter, when metrics.reporter.prom.port is configured. */
  getPrometheusReporterPort(): number | undefined {
    return this.prometheusReporter?.port;
  }

  /**
   * Stops every TaskExecutor gracefully: each tells the ResourceManager and its
   * JobMasters that it is going, so their tasks move elsewhere at once. Then
   * the process's services close.
   */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      await this.prometheusReporter?.closeAsync();
      await Promise.allSettled(this.taskExecutors.map(({ handle }) => handle.terminate()));
      await this.blobCacheService.closeAsync().catch(() => {});
      await this.blobCache.closeAsync().catch(() => {});
      this.resourceManagerLeader.stop();
      await this.haServer.closeAsync().catch(() => {});
      await this.haServices.closeAsync().catch(() => {});
      await this.rpcService.closeAsync();
    })();
    return this.closing;
  }

  private async startTaskExecutor(configuration: Configuration, index: number): Promise<void> {
    const resourceId = `${this.rpcService
      .getAddress()
      .replace(/[[\]]/g, '')
      .replace(/:(\d+)$/, '_$1')}-${index}`;
    const workerData: TaskManagerWorkerData = {
      resourceId,
      configuration: configuration.toMap(),
      haServerAddress: this.haServer.getAddress(),
      blobCacheAddress: this.blobCacheService.getAddress(),
    };
    const handle = await this.rpcService.spawnWorker(kTaskManagerWorkerModule, {
      name: `taskmanager_${index}`,
      hostEntry: kTaskManagerWorkerEntry,
      workerData,
    });
    this.taskExecutors.push({ resourceId, handle });
    log.info(`Started TaskExecutor ${resourceId} in thread ${handle.threadId}.`);
    void handle.exited.then(() => {
      if (this.closing) return;
      // Flink's TaskManagerRunner ends its process when its TaskExecutor fails; here one thread of N did.
      const cause = handle.failure ?? new Error(`The TaskExecutor ${resourceId} ended.`);
      log.error(`TaskExecutor ${resourceId} ended: ${cause.message}`);
      this.options.onFatalError(cause);
    });
  }
}
