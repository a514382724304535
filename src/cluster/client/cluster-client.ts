// A client of a running cluster's Dispatcher: it finds the Dispatcher leader,
// submits jobs and follows them (every job's events reach its JobClient), lists
// and cancels jobs. Mirrors Flink's ClusterClient (RestClusterClient,
// MiniClusterClient), over RPC. The MiniCluster uses one on the user's thread;
// `threadlink run --jobmanager` uses one across processes.
//
// When the Dispatcher's thread or process is gone, the jobs it ran cannot be
// followed: their results reject, unless `followLeaderChanges` is on (ZooKeeper
// HA), in which case the client waits for the next leader and follows the jobs
// there again.

import { getLogger } from '../../actor/logger.js';
import { RecipientUnreachableError } from '../../rpc/errors.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import { codeOf, messageOf } from '../../runtime/flink-error.js';
import type { JobStatusMessage } from '../../runtime/gateways/dispatcher-gateway.js';
import { ResourceManagerGateway } from '../../runtime/gateways/resource-manager-gateway.js';
import type { MetricDumpSnapshot } from '../../runtime/metrics/metric-dump.js';
import type { LeaderRetrievalService } from '../../runtime/highavailability/leader-retrieval.js';
import { createJobGraph, type JobSpec } from '../../runtime/jobmaster/job-graph.js';
import type { JobID, ResourceID } from '../../runtime/types/ids.js';
import { fromJobResultMessage } from '../../runtime/types/job-events.js';
import type { JobGraph } from '../../runtime/types/job-graph.js';
import type { JobResult } from '../../runtime/types/job-result.js';
import type { TaskManagerInfo } from '../../runtime/types/task-manager-info.js';
import { JobClient } from '../job-client.js';
import { ClusterClientError } from './cluster-client-errors.js';
import { DispatcherLeader } from './dispatcher-leader.js';
import { connectToLeader } from './leader-gateway.js';
import { JobListenerEndpoint } from './job-listener-endpoint.js';

const log = getLogger('ClusterClient');

/** Errors that say the Dispatcher leader is gone or no longer leads, not that the job is bad. */
const kLeaderGoneCodes = new Set<unknown>([
  'ERR_RECIPIENT_UNREACHABLE',
  'ERR_RPC_CONNECTION',
  'ERR_RPC_TIMEOUT',
  'ERR_FENCING_TOKEN',
  'ERR_ENDPOINT_NOT_STARTED',
  'ERR_BLOB_SERVICE_CLOSED',
]);

/** Of those, the ones that say it is gone: wait for the next leader rather than ask it again. */
const kLeaderUnreachableCodes = new Set<unknown>(['ERR_RECIPIENT_UNREACHABLE', 'ERR_RPC_CONNECTION']);
const kResubmitPauseMs = 100;

export interface ClusterClientOptions {
  readonly rpcService: RpcService;
  /** Where the Dispatcher leader is: a fixed address (standalone) or an election (HA). */
  readonly dispatcherRetriever: LeaderRetrievalService;
  /** A new retrieval of the ResourceManager leader per call, for listTaskManagers. */
  readonly resourceManagerRetriever?: () => LeaderRetrievalService;
  /** Timeout of every call to the Dispatcher. Default: the RpcService's askTimeoutMs. */
  readonly timeoutMs?: number;
  /** Readies a job for the Dispatcher at `dispatcherAddress` before it is submitted, e.g. uploads its task modules. */
  readonly prepareJob?: (jobGraph: JobGraph, dispatcherAddress: string) => Promise<JobGraph>;
  /**
   * Follow the jobs to the next Dispatcher leader when this one goes (ZooKeeper HA), and
   * submit again to the next leader when a submission finds this one gone. Default false.
   */
  readonly followLeaderChanges?: boolean;
  /** How long to wait for a Dispatcher leader to be named. Default `timeoutMs`. */
  readonly leaderTimeoutMs?: number;
  /** Runs once the client has closed, e.g. to close an RpcService it was given to own. */
  readonly onClosed?: () => Promise<void>;
}

export class ClusterClient {
  private readonly timeoutMs: number;
  private readonly listener: JobListenerEndpoint;
  private readonly leader: DispatcherLeader;
  private readonly leaderTimeoutMs: number;
  /** Jobs whose submission has not been acknowledged yet: a new leader need not know them. */
  private readonly submitting = new Set<JobID>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ClusterClientOptions) {
    this.timeoutMs = options.timeoutMs ?? options.rpcService.askTimeoutMs;
    this.listener = new JobListenerEndpoint(options.rpcService);
    this.listener.start();
    this.leaderTimeoutMs = options.leaderTimeoutMs ?? this.timeoutMs;
    this.leader = new DispatcherLeader(
      options.rpcService,
      options.dispatcherRetriever,
      {
        leaderChanged: () => this.followAgain(),
        leaderLost: (reason) => this.leaderLost(reason),
      },
      this.leaderTimeoutMs,
      options.followLeaderChanges ?? false,
    );
  }

  /**
   * Submits a job; throws InvalidJobError (ERR_INVALID_JOB) at once for a
   * malformed one. The handle's `result` settles with the tasks' return values
   * in task order, or with the job's error.
   */
  submitJob(spec: JobSpec): JobClient {
    this.checkNotClosing();
    // Checked against this client's frame limit: the job travels to the Dispatcher in one message.
    const jobGraph = createJobGraph(spec, undefined, {
      maxFrameBytes: this.options.rpcService.system.maxFrameBytes,
    });
    const client = new JobClient(jobGraph.jobId, jobGraph.name, jobGraph.tasks.length, () =>
      this.cancelJob(jobGraph.jobId),
    );
    this.listener.follow(client);
    this.submitting.add(jobGraph.jobId);
    void this.submit(jobGraph, client).then(
      () => this.submitting.delete(jobGraph.jobId),
      (error: unknown) => {
        this.submitting.delete(jobGraph.jobId);
        this.listener.forget(client.jobId);
        client.abandon(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return client;
  }

  async listJobs(): Promise<JobStatusMessage[]> {
    return (await this.leader.gateway()).listJobs(this.timeoutMs);
  }

  async cancelJob(jobId: JobID): Promise<void> {
    await (await this.leader.gateway()).cancelJob(jobId, this.timeoutMs);
  }

  async requestJobResult(jobId: JobID): Promise<JobResult> {
    return fromJobResultMessage(await (await this.leader.gateway()).requestJobResult(jobId, this.timeoutMs));
  }

  /** The TaskExecutors registered at the ResourceManager, with their slots (Flink's GET /taskmanagers). */
  async listTaskManagers(): Promise<TaskManagerInfo[]> {
    return (await this.resourceManagerGateway()).requestTaskManagerInfo(this.timeoutMs);
  }

  /** The metrics of a TaskExecutor, gathered from its thread through the ResourceManager. */
  async requestTaskManagerMetrics(taskManagerId: ResourceID): Promise<MetricDumpSnapshot> {
    return (await this.resourceManagerGateway()).requestTaskManagerMetrics(taskManagerId, this.timeoutMs);
  }

  /** A gateway to the current ResourceManager leader, found anew per call. */
  async resourceManagerGateway(): Promise<ResourceManagerGateway> {
    this.checkNotClosing();
    const retriever = this.options.resourceManagerRetriever?.();
    if (!retriever) throw new ClusterClientError('This client was not told where the ResourceManager is.');
    return connectToLeader(this.options.rpcService, retriever, ResourceManagerGateway, this.timeoutMs);
  }

  /** Follows a job submitted elsewhere (or before a failover); its JobClient starts from where the job is now. */
  async followJob(jobId: JobID): Promise<JobClient> {
    const gateway = await this.leader.gateway();
    const snapshot = await gateway.subscribeToJob(jobId, this.listener.getAddress(), this.timeoutMs);
    const client = new JobClient(jobId, snapshot.name, snapshot.tasks.length, () => this.cancelJob(jobId));
    client.applySnapshot(snapshot);
    if (!client.isSettled) this.listener.follow(client);
    return client;
  }

  /** Stops following jobs (their results reject if they have not settled) and closes the listener. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      const error = new RecipientUnreachableError('The client was closed before the job ended.');
      for (const client of this.listener.following()) client.abandon(error);
      this.leader.close();
      await this.listener.closeAsync();
      await this.options.onClosed?.();
    })();
    return this.closing;
  }

  private async submit(jobGraph: JobGraph, client: JobClient): Promise<void> {
    // Under HA a leader that dies during the submission is not the end of it: the
    // next leader either recovered the job (it was stored) or never heard of it.
    const deadline = Date.now() + this.leaderTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let address: string | undefined;
      try {
        const gateway = await this.leader.gateway();
        address = gateway.getAddress();
        const prepared = this.options.prepareJob
          ? await this.options.prepareJob(jobGraph, address)
          : jobGraph;
        try {
          await gateway.submitJob(prepared, this.listener.getAddress(), this.timeoutMs);
        } catch (error) {
          if (attempt === 0 || codeOf(error) !== 'ERR_DUPLICATE_JOB') throw error;
          // An earlier attempt reached a leader that stored the job: this one recovered it.
          client.applySnapshot(
            await gateway.subscribeToJob(jobGraph.jobId, this.listener.getAddress(), this.timeoutMs),
          );
        }
        return;
      } catch (error) {
        const retry =
          this.options.followLeaderChanges && kLeaderGoneCodes.has(codeOf(error)) && Date.now() < deadline;
        if (!retry) throw error;
        log.info(
          `Submitting job ${jobGraph.jobId} failed (${messageOf(error)}); submitting it to the next Dispatcher leader.`,
        );
        if (kLeaderUnreachableCodes.has(codeOf(error))) {
          if (address !== undefined) this.leader.forget(address);
        } else {
          // A live leader that timed out or no longer leads: ask again shortly, or the successor once named.
          await new Promise((resolve) => setTimeout(resolve, kResubmitPauseMs));
        }
      }
    }
  }

  /** A new Dispatcher leader: follow every unfinished job there again, from its snapshot. */
  private followAgain(): void {
    for (const client of this.listener.following()) {
      if (this.submitting.has(client.jobId)) continue; // submit() takes it to the new leader
      void this.leader
        .gateway()
        .then((gateway) => gateway.subscribeToJob(client.jobId, this.listener.getAddress(), this.timeoutMs))
        .then(
          (snapshot) => client.applySnapshot(snapshot),
          (error: unknown) => {
            // The new leader has neither the job nor its result: it was never stored, so it is gone.
            if (codeOf(error) === 'ERR_JOB_NOT_FOUND') {
              this.listener.forget(client.jobId);
              client.abandon(error as Error);
              return;
            }
            log.info(`Could not follow job ${client.jobId} at the new leader: ${messageOf(error)}`);
          },
        );
    }
  }

  private leaderLost(reason: string): void {
    if (this.options.followLeaderChanges) {
      log.info(`The Dispatcher is gone (${reason}); waiting for the next leader.`);
      return;
    }
    const error = new RecipientUnreachableError(
      `The cluster's Dispatcher is gone before the job ended: ${reason}`,
    );
    for (const client of this.listener.following()) {
      this.listener.forget(client.jobId);
      client.abandon(error);
    }
  }

  private checkNotClosing(): void {
    if (this.closing) throw new ClusterClientError('The cluster client is closed.');
  }
}
