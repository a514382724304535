// The embedded cluster. Mirrors Flink's MiniCluster, with each side on threads
// of its own: the JobManager side (embedded HA, a ResourceManager, a Dispatcher
// and its JobMasters) in one worker thread, and one TaskExecutor per worker
// thread. The user's thread keeps only the client: a ClusterClient that submits
// jobs to the Dispatcher and follows them. A user who blocks their own thread
// for longer than the heartbeat timeout delays only their own callbacks;
// heartbeats, registrations and jobs go on between the other threads.
//
// Unlike Flink, a TaskExecutor whose thread exits is dropped at once: the
// ResourceManager's death watch sees its channel close, instead of waiting for
// a heartbeat timeout of 50 s.

import { EventEmitter } from 'node:events';

import { getLogger } from '../actor/logger.js';
import { RpcService, type RpcServiceOptions } from '../rpc/rpc-service.js';
import type { WorkerHandle } from '../rpc/worker-handle.js';
import type { WorkerMetrics } from '../rpc/admin-channel.js';
import type { ConfigValue } from '../runtime/configuration/config-option.js';
import { Configuration } from '../runtime/configuration/configuration.js';
import { JobMasterConfiguration } from '../runtime/configuration/job-master-configuration.js';
import { TaskManagerConfiguration } from '../runtime/configuration/task-manager-configuration.js';
import { TaskManagerOptions } from '../runtime/configuration/task-manager-options.js';
import { DispatcherGateway } from '../runtime/gateways/dispatcher-gateway.js';
import { ResourceManagerGateway } from '../runtime/gateways/resource-manager-gateway.js';
import { HeartbeatServices } from '../runtime/heartbeat/heartbeat-services.js';
import { RemoteHaServices } from '../runtime/highavailability/remote-ha-services.js';
import type { JobSpec } from '../runtime/jobmaster/job-graph.js';
import { ResourceID } from '../runtime/types/ids.js';
import type { ResourceProfile } from '../runtime/types/resource-profile.js';
import { kJobManagerWorkerEntry, kJobManagerWorkerModule } from '../worker-entries.js';
import type { RestServerEndpointConfiguration } from '../runtime/rest/web-monitor-endpoint.js';
import type { JobManagerWorkerData, JobManagerWorkerInfo } from '../../workers/job-manager-worker.js';
import { ClusterClient } from './client/cluster-client.js';
import { connectToLeader } from './client/leader-gateway.js';
import type { JobClient } from './job-client.js';
import { MiniClusterError, TaskExecutorExitedError } from './mini-cluster-errors.js';
import {
  spawnTaskExecutor,
  type StartedTaskExecutor,
  type TaskExecutorLaunch,
} from './mini-cluster-task-executor.js';
import { checkMiniClusterOptions } from './mini-cluster-options.js';
import { JobManagerControlGateway } from './mini-cluster-protocol.js';
import { ResourceAllocatorEndpoint } from './resource-allocator-endpoint.js';
import { restServerConfigurationOf } from './config/rest-server-options.js';
import { warnUnknownConfigKeys } from './unknown-config-keys.js';
import { startPrometheusReporterIfConfigured } from './metrics-reporter-setup.js';
import { gatherMetricDumps } from '../runtime/metrics/gather-metric-dumps.js';
import type { MetricDumpSnapshot } from '../runtime/metrics/metric-dump.js';
import type { PrometheusReporter } from '../runtime/metrics/prometheus/prometheus-reporter.js';

const log = getLogger('MiniCluster');

export interface MiniClusterOptions {
  /** TaskExecutors started with the cluster, each in its own worker thread. Default 1. */
  readonly taskExecutors?: number;
  /** Static slots per TaskExecutor (`taskmanager.numberOfTaskSlots`). Default 1. */
  readonly slotsPerTaskExecutor?: number;
  /** Flink configuration keys, e.g. `{ 'heartbeat.interval': '1 s' }`. */
  readonly config?: Readonly<Record<string, ConfigValue>>;
  /** Resources of each TaskExecutor. Default: one CPU core per slot. */
  readonly totalResourceProfile?: ResourceProfile;
  /** Options of the cluster's RpcService on this thread. */
  readonly rpc?: RpcServiceOptions;
  /**
   * As Flink's active ResourceManager: when a TaskExecutor's worker exits
   * without being asked to, the ResourceManager starts a replacement. Default true.
   */
  readonly activeResourceManagement?: boolean;
  /**
   * Serves the REST API and the dashboard from the JobManager thread, beside
   * the Dispatcher: on `port` (default 0, a free one), bound to `bindAddress`
   * (default: rest.bind-address, else 127.0.0.1), HTTPS with security.ssl.rest.*.
   * Without it, no REST API. See getRestBaseUrl.
   */
  readonly rest?: { readonly port?: number; readonly bindAddress?: string };
}

/** A TaskExecutor as the MiniCluster sees it. */
export interface TaskExecutorProcess {
  readonly resourceId: ResourceID;
  readonly address: string;
  readonly threadId: number;
}

interface RunningTaskExecutor extends TaskExecutorProcess {
  readonly handle: WorkerHandle;
  /** Set when the MiniCluster ends the worker itself, so its exit is expected. */
  stopping: boolean;
}

/** What a TaskExecutor's unexpected exit looks like to listeners of 'taskExecutorExited'. */
export interface TaskExecutorExit {
  readonly resourceId: ResourceID;
  readonly exitCode: number;
  readonly cause: TaskExecutorExitedError;
}

interface MiniClusterEvents {
  taskExecutorExited: [exit: TaskExecutorExit];
}

export class MiniCluster extends EventEmitter<MiniClusterEvents> implements AsyncDisposable {
  private readonly taskExecutors = new Map<ResourceID, RunningTaskExecutor>();
  private readonly pendingStarts = new Set<Promise<unknown>>();
  private readonly haServices: RemoteHaServices;
  private readonly client: ClusterClient;
  private closing: Promise<void> | undefined;
  private taskExecutorCount = 0;
  private prometheusReporter: PrometheusReporter | undefined;

  private constructor(
    /** The cluster's RpcService on the user's thread. */
    readonly rpc: RpcService,
    readonly configuration: Configuration,
    private readonly jobManager: WorkerHandle,
    private readonly control: JobManagerControlGateway,
    private readonly launch: TaskExecutorLaunch,
  ) {
    super();
    const { haServerAddress } = jobManager.result as JobManagerWorkerInfo;
    this.haServices = new RemoteHaServices(rpc, haServerAddress);
    this.client = new ClusterClient({
      rpcService: rpc,
      dispatcherRetriever: this.haServices.getDispatcherLeaderRetriever(),
      resourceManagerRetriever: () => this.haServices.getResourceManagerLeaderRetriever(),
    });
    void jobManager.exited.then((code) => this.jobManagerExited(code));
  }

  /**
   * Starts the JobManager thread and the TaskExecutors' threads. Resolves once
   * every TaskExecutor is running (not yet registered: see
   * waitUntilTaskExecutorsRegistered). Refuses an unknown option or a bad
   * configuration value with an IllegalConfigurationError (ERR_ILLEGAL_CONFIGURATION);
   * logs a warning for a config key that no option knows.
   */
  static async start(options: MiniClusterOptions = {}): Promise<MiniCluster> {
    checkMiniClusterOptions(options);
    warnUnknownConfigKeys(options.config ?? {}, (message) => log.warn(message));
    const count = options.taskExecutors ?? 1;
    const configuration = Configuration.fromMap(options.config ?? {});
    if (options.slotsPerTaskExecutor !== undefined) {
      configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, options.slotsPerTaskExecutor);
    }
    // Validate here, once, rather than in every worker.
    HeartbeatServices.fromConfiguration(configuration);
    TaskManagerConfiguration.fromConfiguration(configuration);
    JobMasterConfiguration.fromConfiguration(configuration);

    const rpc = RpcService.create(options.rpc);
    let cluster: MiniCluster | undefined;
    let startingTaskExecutors: Promise<StartedTaskExecutor>[] = [];
    try {
      const allocator =
        options.activeResourceManagement === false
          ? undefined
          : new ResourceAllocatorEndpoint(rpc, () => cluster?.startReplacementTaskExecutor());
      allocator?.start();
      const workerData: JobManagerWorkerData = {
        configuration: configuration.toMap(),
        resourceAllocatorAddress: allocator?.getAddress() ?? null,
        rest: options.rest ? restConfigurationOf(configuration, options.rest) : null,
      };
      const startingJobManager = rpc.spawnWorker(kJobManagerWorkerModule, {
        name: 'jobmanager',
        hostEntry: kJobManagerWorkerEntry,
        workerData,
      });
      // The TaskExecutors' threads boot while the JobManager's starts; each
      // starts its TaskExecutor once the HA server's address is known, and ends
      // if the JobManager does not start.
      const haServerAddress = startingJobManager.then(
        (handle) => (handle.result as JobManagerWorkerInfo).haServerAddress,
      );
      haServerAddress.catch(() => {});
      const launch: TaskExecutorLaunch = {
        rpc,
        configuration,
        totalResourceProfile: options.totalResourceProfile,
      };
      startingTaskExecutors = Array.from({ length: count }, (_, index) =>
        spawnTaskExecutor(launch, index, haServerAddress),
      );
      for (const starting of startingTaskExecutors) starting.catch(() => {});
      const jobManager = await startingJobManager;
      const { controlAddress } = jobManager.result as JobManagerWorkerInfo;
      const control = await rpc.connect(controlAddress, JobManagerControlGateway);
      cluster = new MiniCluster(rpc, configuration, jobManager, control, launch);
      const started = cluster;
      await started.adoptTaskExecutors(startingTaskExecutors);
      started.prometheusReporter = await startPrometheusReporterIfConfigured(configuration, () =>
        started.requestMetricDumps(),
      );
      return cluster;
    } catch (error) {
      if (cluster) await cluster.closeAsync().catch(() => {});
      else {
        // Threads that started before the failure are the RpcService's to end.
        await Promise.allSettled(startingTaskExecutors);
        await rpc.closeAsync().catch(() => {});
      }
      throw error;
    }
  }

  /** A gateway to the current ResourceManager leader, fenced with its session. */
  resourceManagerGateway(): Promise<ResourceManagerGateway> {
    return connectToLeader(
      this.rpc,
      this.haServices.getResourceManagerLeaderRetriever(),
      ResourceManagerGateway,
      this.rpc.askTimeoutMs,
    );
  }

  /** A gateway to the current Dispatcher leader, fenced with its session. */
  dispatcherGateway(): Promise<DispatcherGateway> {
    return connectToLeader(
      this.rpc,
      this.haServices.getDispatcherLeaderRetriever(),
      DispatcherGateway,
      this.rpc.askTimeoutMs,
    );
  }

  /** `http(s)://host:port` of the REST API and dashboard, when started with `rest`; else undefined. */
  getRestBaseUrl(): string | undefined {
    return (this.jobManager.result as JobManagerWorkerInfo).restBaseUrl ?? undefined;
  }

  /** The running TaskExecutors. */
  getTaskExecutors(): TaskExecutorProcess[] {
    return [...this.taskExecutors.values()].map(({ resourceId, address, threadId }) => ({
      resourceId,
      address,
      threadId,
    }));
  }

  /** Thread-level figures of a TaskExecutor's worker (heap, mailboxes, messages). */
  taskExecutorMetrics(resourceId: ResourceID): Promise<WorkerMetrics> {
    const running = this.taskExecutors.get(resourceId);
    if (!running) return Promise.reject(new MiniClusterError(`There is no TaskExecutor ${resourceId}.`));
    return running.handle.metrics();
  }

  /**
   * The metrics of every thread of the cluster, through the ResourceManager
   * leader: the jobmanager thread's dump first, then each registered
   * TaskExecutor's. A thread that does not answer within `timeoutMs` is left out.
   */
  async requestMetricDumps(timeoutMs = this.rpc.askTimeoutMs): Promise<MetricDumpSnapshot[]> {
    const rm = await this.resourceManagerGateway();
    const taskManagers = await rm.requestTaskManagerInfo(timeoutMs);
    return gatherMetricDumps([
      () => rm.requestJobManagerMetricDump(timeoutMs),
      ...taskManagers.map((info) => () => rm.requestTaskManagerMetrics(info.resourceId, timeoutMs)),
    ]);
  }

  /** The port of the Prometheus reporter, when metrics.reporter.prom.port is configured. */
  getPrometheusReporterPort(): number | undefined {
    return this.prometheusReporter?.port;
  }

  /** Starts one more TaskExecutor in a new worker thread; resolves with its ResourceID. */
  async startTaskExecutor(): Promise<ResourceID> {
    this.checkNotClosing();
    const { haServerAddress } = this.jobManager.result as JobManagerWorkerInfo;
    const starting = spawnTaskExecutor(this.launch, this.taskExecutorCount++, haServerAddress);
    this.pendingStarts.add(starting);
    try {
      return this.adopt(await starting);
    } finally {
      this.pendingStarts.delete(starting);
    }
  }

  /** Takes in the TaskExecutors that start() began with the JobManager; fails with the first that did not start. */
  private async adoptTaskExecutors(starting: readonly Promise<StartedTaskExecutor>[]): Promise<void> {
    this.taskExecutorCount = starting.length;
    // A close meanwhile (the JobManager thread exited) waits for them, then ends those adopted here.
    for (const promise of starting) this.pendingStarts.add(promise);
    const results = await Promise.allSettled(starting);
    for (const promise of starting) this.pendingStarts.delete(promise);
    for (const result of results) if (result.status === 'fulfilled') this.adopt(result.value);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    if (this.closing) throw new MiniClusterError('The MiniCluster was closed while it started.');
  }

  private adopt({ resourceId, handle }: StartedTaskExecutor): ResourceID {
    const info = handle.result as { address: string };
    const running: RunningTaskExecutor = {
      resourceId,
      address: info.address,
      threadId: handle.threadId,
      handle,
      stopping: false,
    };
    this.taskExecutors.set(resourceId, running);
    void handle.exited.then((code) => this.onWorkerExited(running, code));
    log.info(`Started TaskExecutor ${resourceId} in thread ${handle.threadId}.`);
    return resourceId;
  }

  /**
   * Submits a job to the cluster's Dispatcher, which elects a JobMaster for it;
   * the JobMaster gets slots from the ResourceManager and runs the tasks in them.
   * Throws an InvalidJobError (ERR_INVALID_JOB) at once for a malformed job. The
   * handle's `result` settles with the tasks' return values in task order, or
   * with the job's error.
   */
  submitJob(spec: JobSpec): JobClient {
    this.checkNotClosing();
    const client = this.client.submitJob(spec);
    log.info(`Submitted job '${client.name}' (${client.jobId}).`);
    return client;
  }

  private startReplacementTaskExecutor(): void {
    if (this.closing) return;
    log.info('Starting a TaskExecutor to replace one that exited.');
    this.startTaskExecutor().catch((error: unknown) => {
      if (!this.closing) log.error('Could not start a replacement TaskExecutor.', error);
    });
  }

  /** Ends the TaskExecutor's worker at once, as a crash would. */
  async terminateTaskExecutor(resourceId: ResourceID): Promise<void> {
    const running = this.taskExecutors.get(resourceId);
    if (!running) throw new MiniClusterError(`There is no TaskExecutor ${resourceId}.`);
    await running.handle.kill();
  }

  /** Stops the TaskExecutor gracefully: it disconnects, then its worker ends. */
  async stopTaskExecutor(resourceId: ResourceID): Promise<void> {
    const running = this.taskExecutors.get(resourceId);
    if (!running) throw new MiniClusterError(`There is no TaskExecutor ${resourceId}.`);
    running.stopping = true;
    await running.handle.terminate();
  }

  /**
   * The ResourceManager loses leadership: it stops, and TaskExecutors hear there
   * is no leader. As Flink's EmbeddedLeaderService does, the election then
   * proposes a new session to the remaining contender at once, so a new
   * ResourceManager with a new fencing token follows.
   */
  revokeResourceManagerLeadership(): Promise<void> {
    return this.control.revokeResourceManagerLeadership();
  }

  /** Elects a leader if there is none: a new ResourceManager with a new fencing token, and TaskExecutors re-register. */
  grantResourceManagerLeadership(): Promise<void> {
    return this.control.grantResourceManagerLeadership();
  }

  /**
   * Resolves once `count` TaskExecutors (default: all running ones) are
   * registered at the current ResourceManager with their slot reports.
   */
  async waitUntilTaskExecutorsRegistered(count = this.taskExecutors.size, timeoutMs = 30_000): Promise<void> {
    this.checkNotClosing();
    const registered = await this.control.awaitRegisteredTaskExecutors(count, timeoutMs);
    if (!registered)
      throw new MiniClusterError(`${count} TaskExecutors did not register within ${timeoutMs} ms.`);
  }

  closeAsync(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.closeAsync();
  }

  // ---------------------------------------------------------------- internals

  private async close(): Promise<void> {
    await Promise.allSettled([...this.pendingStarts]);
    await this.prometheusReporter?.closeAsync();
    // Jobs first: their JobMasters free their slots while the TaskExecutors still run.
    const shutdown = await Promise.allSettled([this.control.stopDispatcher(this.rpc.askTimeoutMs)]);
    await this.client.closeAsync();
    for (const running of this.taskExecutors.values()) running.stopping = true;
    const results = await Promise.allSettled([
      ...[...this.taskExecutors.values()].map((running) => running.handle.terminate()),
    ]);
    // Flink's order: TaskExecutors, then the ResourceManager (it ends with its thread), then RPC and HA.
    await this.jobManager.terminate();
    await this.haServices.closeAsync();
    await this.rpc.closeAsync();
    const failure = [...shutdown, ...results].find(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failure) throw failure.reason;
  }

  private onWorkerExited(running: RunningTaskExecutor, code: number): void {
    this.taskExecutors.delete(running.resourceId);
    // terminate() ends with worker.terminate(), whose exit code is 1 even after a graceful shutdown.
    if (running.stopping) return;
    const cause = new TaskExecutorExitedError(
      `The worker thread of TaskExecutor ${running.resourceId} exited with code ${code}` +
        (running.handle.failure ? `: ${running.handle.failure.message}` : '.'),
      running.handle.failure ? { cause: running.handle.failure } : {},
    );
    log.warn(cause.message);
    try {
      this.emit('taskExecutorExited', { resourceId: running.resourceId, exitCode: code, cause });
    } catch (error) {
      log.error(`A listener of the exit of TaskExecutor ${running.resourceId} failed.`, error);
    }
  }

  private jobManagerExited(code: number): void {
    if (this.closing) return;
    // As in Flink, a fatal error of the JobManager side ends the whole cluster.
    const cause = this.jobManager.failure;
    log.error(`The JobManager thread exited with code ${code}; closing the MiniCluster.`, cause);
    void this.closeAsync().catch(() => {});
  }

  private checkNotClosing(): void {
    if (this.closing) throw new MiniClusterError('The MiniCluster is closing.');
  }
}

/** rest.* and security.ssl.rest.* of the configuration, with the MiniCluster's own default of a free port on loopback. */
function restConfigurationOf(
  configuration: Configuration,
  rest: NonNullable<MiniClusterOptions['rest']>,
): RestServerEndpointConfiguration {
  const configured = restServerConfigurationOf(configuration);
  const bindAddress = rest.bindAddress ?? configured.bindAddress;
  return {
    ...configured,
    bindAddress,
    advertisedAddress: rest.bindAddress ?? configured.advertisedAddress,
    port: rest.port ?? 0,
  };
}
