// The embedded cluster: a ResourceManager on the main thread and one
// TaskExecutor per worker thread, wired through embedded HA. Mirrors Flink's
// MiniCluster: TaskExecutors start first and wait for a leader; then the
// ResourceManager wins its election, publishes its address and the
// TaskExecutors register. submitJob elects a JobMaster per job on the main
// thread (Flink's Dispatcher role, reduced to starting the job's runner).
//
// Unlike Flink, the ResourceManager learns that a TaskExecutor's worker has
// exited the moment the thread ends (from the Worker's exit event), instead of
// after a heartbeat timeout of 50 s.

import { EventEmitter } from 'node:events';

import { getLogger } from '../actor/logger.js';
import { RpcService, type RpcServiceOptions } from '../rpc/rpc-service.js';
import type { WorkerHandle } from '../rpc/worker-handle.js';
import type { WorkerMetrics } from '../rpc/admin-channel.js';
import type { ConfigValue } from '../runtime/configuration/config-option.js';
import { Configuration } from '../runtime/configuration/configuration.js';
import { TaskManagerConfiguration } from '../runtime/configuration/task-manager-configuration.js';
import { TaskManagerOptions } from '../runtime/configuration/task-manager-options.js';
import { HeartbeatServices } from '../runtime/heartbeat/heartbeat-services.js';
import { EmbeddedHaServices } from '../runtime/highavailability/embedded-ha-services.js';
import { LeaderInformationServer } from '../runtime/highavailability/leader-information-server.js';
import { ResourceManager } from '../runtime/resourcemanager/resource-manager.js';
import { ResourceManagerGateway } from '../runtime/gateways/resource-manager-gateway.js';
import { ResourceManagerServiceImpl } from '../runtime/resourcemanager/resource-manager-service-impl.js';
import { createJobGraph, type JobSpec } from '../runtime/jobmaster/job-graph.js';
import { JobMaster } from '../runtime/jobmaster/job-master.js';
import { JobMasterServiceLeadershipRunner } from '../runtime/jobmaster/job-master-service-leadership-runner.js';
import { ResourceID, type JobID } from '../runtime/types/ids.js';
import type { ResourceProfile } from '../runtime/types/resource-profile.js';
import { JobClient } from './job-client.js';
import { MiniClusterError, TaskExecutorExitedError } from './mini-cluster-errors.js';
import { kTaskManagerWorkerEntry, kTaskManagerWorkerModule } from '../worker-entries.js';

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
  /** Options of the main thread's RpcService. */
  readonly rpc?: RpcServiceOptions;
  /**
   * As Flink's active ResourceManager: when a TaskExecutor's worker exits
   * without being asked to, the ResourceManager starts a replacement. Default true.
   */
  readonly activeResourceManagement?: boolean;
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
  private readonly jobs = new Map<JobID, JobMasterServiceLeadershipRunner>();
  private readonly taskManagerConfiguration: TaskManagerConfiguration;
  private readonly pendingStarts = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;
  private taskExecutorCount = 0;

  private readonly resourceManagerService: ResourceManagerServiceImpl;

  private constructor(
    readonly rpc: RpcService,
    readonly configuration: Configuration,
    private readonly haServices: EmbeddedHaServices,
    private readonly haServer: LeaderInformationServer,
    private readonly heartbeatServices: HeartbeatServices,
    private readonly totalResourceProfile: ResourceProfile | undefined,
    activeResourceManagement: boolean,
  ) {
    super();
    this.taskManagerConfiguration = TaskManagerConfiguration.fromConfiguration(configuration);
    const resourceAllocator = { requestNewWorker: () => this.startReplacementTaskExecutor() };
    this.resourceManagerService = new ResourceManagerServiceImpl(
      haServices.getResourceManagerLeaderElectionService(),
      (resourceManagerId) =>
        new ResourceManager(rpc, resourceManagerId, {
          resourceId: ResourceID.of('resourcemanager'),
          heartbeatServices,
          // As Flink's standalone ResourceManager, it does not stop workers it lets go: a
          // TaskExecutor that disconnects registers again by itself.
          ...(activeResourceManagement ? { resourceAllocator } : {}),
        }),
      { onFatalError: (error) => this.onFatalError(error) },
    );
  }

  /**
   * Starts the RpcService, HA, the TaskExecutors' workers and the ResourceManager.
   * Resolves once every TaskExecutor is running (not yet registered: see
   * waitUntilTaskExecutorsRegistered).
   */
  static async start(options: MiniClusterOptions = {}): Promise<MiniCluster> {
    const count = options.taskExecutors ?? 1;
    if (!Number.isInteger(count) || count < 0) {
      throw new MiniClusterError(`taskExecutors must be a whole number ≥ 0, got ${String(count)}.`);
    }
    const configuration = Configuration.fromMap(options.config ?? {});
    if (options.slotsPerTaskExecutor !== undefined) {
      configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, options.slotsPerTaskExecutor);
    }
    // Validate here, once, rather than in every worker.
    const heartbeatServices = HeartbeatServices.fromConfiguration(configuration);
    TaskManagerConfiguration.fromConfiguration(configuration);

    const rpc = RpcService.create(options.rpc);
    const haServices = new EmbeddedHaServices(rpc.getScheduledExecutor());
    const haServer = new LeaderInformationServer(rpc, haServices);
    haServer.start();
    const cluster = new MiniCluster(
      rpc,
      configuration,
      haServices,
      haServer,
      heartbeatServices,
      options.totalResourceProfile,
      options.activeResourceManagement ?? true,
    );
    try {
      // As in Flink: TaskExecutors first, then the ResourceManager they wait for.
      await Promise.all(Array.from({ length: count }, () => cluster.startTaskExecutor()));
      cluster.resourceManagerService.start();
    } catch (error) {
      await cluster.closeAsync().catch(() => {});
      throw error;
    }
    return cluster;
  }

  /** A gateway to the current ResourceManager leader, fenced with its session. */
  async resourceManagerGateway(): Promise<ResourceManagerGateway> {
    const resourceManager = this.resourceManagerService.getLeaderResourceManager();
    if (!resourceManager) throw new MiniClusterError('There is no ResourceManager leader at the moment.');
    return resourceManager.getSelfGateway(ResourceManagerGateway);
  }

  /** The leading ResourceManager endpoint, if there is one. */
  getResourceManager(): ResourceManager | undefined {
    return this.resourceManagerService.getLeaderResourceManager();
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

  /** Starts one more TaskExecutor in a new worker thread; resolves with its ResourceID. */
  async startTaskExecutor(): Promise<ResourceID> {
    this.checkNotClosing();
    const index = this.taskExecutorCount++;
    const resourceId = ResourceID.of(`tm_${index}`);
    const starting = this.rpc.spawnWorker(kTaskManagerWorkerModule, {
      name: `taskmanager_${index}`,
      hostEntry: kTaskManagerWorkerEntry,
      workerData: {
        resourceId,
        configuration: this.configuration.toMap(),
        haServerAddress: this.haServer.getAddress(),
        ...(this.totalResourceProfile ? { totalResourceProfile: this.totalResourceProfile } : {}),
      },
    });
    this.pendingStarts.add(starting);
    let handle: WorkerHandle;
    try {
      handle = await starting;
    } finally {
      this.pendingStarts.delete(starting);
    }
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
   * Submits a job: a JobMaster is elected for it, gets slots from the
   * ResourceManager and runs the tasks in them. Throws an InvalidJobError
   * (ERR_INVALID_JOB) at once for a malformed job. The handle's `result`
   * settles with the tasks' return values in task order, or with the job's error.
   */
  submitJob(spec: JobSpec): JobClient {
    this.checkNotClosing();
    const jobGraph = createJobGraph(spec);
    const { jobId } = jobGraph;
    const runner: JobMasterServiceLeadershipRunner = new JobMasterServiceLeadershipRunner(
      this.haServices.getJobManagerLeaderElectionService(jobId),
      (jobMasterId): JobMaster =>
        new JobMaster(this.rpc, jobMasterId, {
          jobGraph,
          heartbeatServices: this.heartbeatServices,
          haServices: this.haServices,
          rpcTimeoutMs: this.taskManagerConfiguration.rpcTimeoutMs,
          retryingRegistrationConfiguration: this.taskManagerConfiguration.retryingRegistrationConfiguration,
          // Called on a grant, which comes after `client` below is set.
          listener: client.listener,
        }),
      `job '${jobGraph.name}' (${jobId})`,
    );
    const client: JobClient = new JobClient(jobGraph, runner.getResultFuture(), () => runner.cancel());
    this.jobs.set(jobId, runner);
    const forget = () => this.jobs.delete(jobId);
    runner.getResultFuture().then(forget, forget);
    runner.start();
    log.info(`Submitted job '${jobGraph.name}' (${jobId}) with ${jobGraph.tasks.length} tasks.`);
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
    return this.haServices.getResourceManagerLeaderService().revokeLeadership();
  }

  /** Elects a leader if there is none: a new ResourceManager with a new fencing token, and TaskExecutors re-register. */
  grantResourceManagerLeadership(): Promise<void> {
    return this.haServices.getResourceManagerLeaderService().grantLeadership();
  }

  /**
   * Resolves once `count` TaskExecutors (default: all running ones) are
   * registered at the current ResourceManager with their slot reports.
   */
  async waitUntilTaskExecutorsRegistered(count = this.taskExecutors.size, timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let gaveUp = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(new MiniClusterError(`${count} TaskExecutors did not register within ${timeoutMs} ms.`));
      }, timeoutMs);
    });
    const registered = async (): Promise<void> => {
      while (!gaveUp && !this.closing) {
        const resourceManager = this.getResourceManager();
        // Resolves false if that ResourceManager stops first; then wait for the next leader.
        if (resourceManager && (await resourceManager.awaitRegisteredTaskExecutors(count))) return;
        // No leader at the moment: look again shortly rather than spin.
        await new Promise<void>((resolve) => setTimeout(resolve, 2));
      }
      if (this.closing) throw new MiniClusterError('The MiniCluster closed while waiting for TaskExecutors.');
    };
    try {
      await Promise.race([registered(), timeout]);
    } finally {
      clearTimeout(timer);
    }
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
    // Jobs first: their JobMasters free their slots while the TaskExecutors still run.
    await Promise.allSettled([...this.jobs.values()].map((runner) => runner.closeAsync()));
    for (const running of this.taskExecutors.values()) running.stopping = true;
    // Flink's order: TaskExecutors and the ResourceManager, then RPC, then HA.
    const results = await Promise.allSettled([
      ...[...this.taskExecutors.values()].map((running) => running.handle.terminate()),
      this.resourceManagerService.closeAsync(),
    ]);
    await this.rpc.closeAsync();
    await this.haServices.closeAsync();
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private onWorkerExited(running: RunningTaskExecutor, code: number): void {
    try {
      this.handleWorkerExit(running, code);
    } catch (error) {
      log.error(`A listener of the exit of TaskExecutor ${running.resourceId} failed.`, error);
    }
  }

  private handleWorkerExit(running: RunningTaskExecutor, code: number): void {
    this.taskExecutors.delete(running.resourceId);
    void this.haServer.removeSubscriptionsOf(running.handle.host).catch(() => {});
    // terminate() ends with worker.terminate(), whose exit code is 1 even after a graceful shutdown.
    if (running.stopping) return;
    const cause = new TaskExecutorExitedError(
      `The worker thread of TaskExecutor ${running.resourceId} exited with code ${code}` +
        (running.handle.failure ? `: ${running.handle.failure.message}` : '.'),
      running.handle.failure ? { cause: running.handle.failure } : {},
    );
    log.warn(cause.message);
    this.getResourceManager()?.notifyWorkerTerminated(running.resourceId, cause);
    this.emit('taskExecutorExited', { resourceId: running.resourceId, exitCode: code, cause });
  }

  private onFatalError(error: Error): void {
    // As in Flink, a fatal error of the ResourceManager ends the whole cluster.
    log.error('Fatal error in the ResourceManager; closing the MiniCluster.', error);
    void this.closeAsync().catch(() => {});
  }

  private checkNotClosing(): void {
    if (this.closing) throw new MiniClusterError('The MiniCluster is closing.');
  }
}
