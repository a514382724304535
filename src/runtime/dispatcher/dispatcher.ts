// The Dispatcher: it takes jobs from clients and runs each one with a
// JobMaster elected for it, lists the jobs, answers their status and results,
// cancels them, and tells the clients that follow a job everything that
// happens to it. Mirrors Flink's Dispatcher (StandaloneDispatcher with its
// JobManagerRunner per job and its ExecutionGraphInfoStore), a FencedRpcEndpoint
// whose token is its leader session. A new leader session means a new
// Dispatcher (DispatcherService); with ZooKeeper HA its JobPersistence hands it
// the jobs to run again and the results of jobs that ended before it.

import type { JobManagerMetricGroup } from '../metrics/component-metric-groups.js';
import { nanoid } from 'nanoid/non-secure';
import { getLogger } from '../../actor/logger.js';
import { FencedRpcEndpoint } from '../../rpc/rpc-endpoint.js';
import { ConnectionCache } from '../../rpc/connection-cache.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { JobMasterConfiguration } from '../configuration/job-master-configuration.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import { DispatcherGateway, type JobStatusMessage } from '../gateways/dispatcher-gateway.js';
import { JobListenerGateway } from '../gateways/job-listener-gateway.js';
import { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import { JobMaster } from '../jobmaster/job-master.js';
import { JobMasterError } from '../jobmaster/job-master-errors.js';
import { JobMasterServiceLeadershipRunner } from '../jobmaster/job-master-service-leadership-runner.js';
import { Acknowledge } from '../types/acknowledge.js';
import type { DispatcherId, JobID } from '../types/ids.js';
import type { ExecutionGraphInfo, JobDetails } from '../types/job-details.js';
import type { JobGraph } from '../types/job-graph.js';
import {
  toJobResultMessage,
  toTaskStateChangeMessage,
  type JobResultMessage,
  type JobSnapshot,
} from '../types/job-events.js';
import { JobStatus } from '../types/job-status.js';
import {
  DispatcherError,
  DuplicateJobSubmissionError,
  JobNotFinishedError,
  JobNotFoundError,
} from './dispatcher-errors.js';
import { JobFollowers } from './job-followers.js';
import { checkJobGraph } from './job-graph-check.js';
import {
  kNoJobPersistence,
  type JobPersistence,
  type RecoveredJobs,
  type StoredJobResult,
} from './job-persistence.js';
import { JobRecord } from './job-record.js';

const log = getLogger('Dispatcher');

/** Jobs that have ended are kept for listing and results; the oldest go first beyond this many. */
export const kMaxArchivedJobs = 1000;

export interface DispatcherServices {
  readonly haServices: Pick<
    HighAvailabilityServices,
    'getJobManagerLeaderElectionService' | 'getResourceManagerLeaderRetriever'
  >;
  readonly heartbeatServices: HeartbeatServices;
  readonly rpcTimeoutMs: number;
  readonly retryingRegistrationConfiguration: RetryingRegistrationConfiguration;
  /** Each JobMaster's slot.request.timeout and free redeployments. Default: their defaults. */
  readonly jobMasterConfiguration?: JobMasterConfiguration;
  /** Time in ms since the epoch. Default Date.now. */
  readonly now?: () => number;
  /** The endpoint id of each new Dispatcher; ids must differ while an old one stops. Default: `dispatcher_<random>`. */
  readonly endpointIdFor?: () => string;
  /**
   * Deletes what a job leaves behind (its blobs) once it has ended for good, not
   * when it is only suspended: Flink's DispatcherResourceCleanerFactory.
   */
  readonly cleanupJob?: (jobId: JobID) => Promise<void>;
  /** Where jobs and results are kept for the next leader. Default: nowhere (standalone, embedded HA). */
  readonly jobPersistence?: JobPersistence;
  /** The jobmanager's metric group, passed on to every JobMaster (Flink's JobManagerSharedServices). */
  readonly jobManagerMetricGroup?: JobManagerMetricGroup;
}

interface RunningJob {
  readonly record: JobRecord;
  readonly followers: JobFollowers;
  runner: JobMasterServiceLeadershipRunner | undefined;
}

type RemoteMethods = Omit<DispatcherGateway, 'getAddress' | 'getHostname' | 'getFencingToken'>;

export class Dispatcher extends FencedRpcEndpoint<DispatcherId> implements RemoteMethods {
  static override gateways = [DispatcherGateway];

  private readonly jobs = new Map<JobID, RunningJob>();
  /** Submissions between their checks and their run, so that a second one is refused. */
  private readonly submitting = new Set<JobID>();
  private readonly now: () => number;
  private readonly persistence: JobPersistence;
  /** Shared by the jobs: a client that submits job after job, and the TaskExecutors that run them, are connected once. */
  private readonly listenerConnections: ConnectionCache<JobListenerGateway>;
  private readonly taskExecutorConnections: ConnectionCache<TaskExecutorGateway>;

  constructor(
    rpcService: RpcService,
    dispatcherId: DispatcherId,
    private readonly services: DispatcherServices,
    /** What this leader takes over (see DispatcherService). */
    private readonly recovered: RecoveredJobs = { jobs: [], results: [] },
  ) {
    super(rpcService, dispatcherId, services.endpointIdFor?.() ?? `dispatcher_${nanoid(8)}`);
    this.now = services.now ?? Date.now;
    this.persistence = services.jobPersistence ?? kNoJobPersistence;
    this.listenerConnections = new ConnectionCache(rpcService, JobListenerGateway);
    this.taskExecutorConnections = new ConnectionCache(rpcService, TaskExecutorGateway);
  }

  protected override onStart(): void {
    for (const jobGraph of this.recovered.jobs) {
      log.info(`Recovering job ${jobGraph.jobId} ('${jobGraph.name}').`);
      this.runJob(jobGraph);
    }
    for (const stored of this.recovered.results) {
      log.info(`Job ${stored.result.jobId} ended ${stored.result.status} before; finishing its cleanup.`);
      this.archive(stored);
      this.persist(stored);
    }
  }

  protected override async onStop(): Promise<void> {
    const stopping = [...this.jobs.values()].map(async (job) => {
      await job.runner?.closeAsync();
      job.followers.close();
    });
    await Promise.allSettled(stopping);
    this.listenerConnections.close();
    this.taskExecutorConnections.close();
    // The jobs stay stored for the next leader; only this session's locks go.
    await this.persistence
      .stop()
      .catch((error: unknown) => log.warn('Could not release the stored jobs.', error));
  }

  // ------------------------------------------------------------------ DispatcherGateway

  async submitJob(jobGraph: JobGraph, listenerAddress: string | null): Promise<Acknowledge> {
    checkJobGraph(jobGraph);
    const { jobId } = jobGraph;
    if (this.jobs.has(jobId) || this.submitting.has(jobId)) {
      throw new DuplicateJobSubmissionError(`Job ${jobId} has already been submitted.`);
    }
    this.submitting.add(jobId);
    try {
      if (await this.persistence.findResult(jobId)) {
        throw new DuplicateJobSubmissionError(`Job ${jobId} has already been executed: it has a result.`);
      }
      // Stored before it runs, so that a leader elected after a crash runs it again (Flink's persistAndRunJob).
      await this.persistence.putJob(jobGraph).catch((cause: unknown) => {
        throw new DispatcherError(`Could not store job ${jobId} for recovery.`, { cause });
      });
    } finally {
      this.submitting.delete(jobId);
    }
    return this.inMainThread(() => {
      log.info(`Received job ${jobId} ('${jobGraph.name}') with ${jobGraph.tasks.length} tasks.`);
      const job = this.runJob(jobGraph);
      if (listenerAddress !== null) job.followers.add(listenerAddress, (task) => this.runAsync(task));
      return Acknowledge;
    });
  }

  async listJobs(): Promise<JobStatusMessage[]> {
    return [...this.jobs.values()]
      .map(({ record }) => ({
        jobId: record.jobId,
        jobName: record.jobGraph.name,
        jobState: record.status,
        startTime: record.startTime,
      }))
      .reverse();
  }

  async requestJobStatus(jobId: JobID): Promise<JobStatus> {
    return (await this.jobOf(jobId)).record.status;
  }

  async requestJobResult(jobId: JobID): Promise<JobResultMessage> {
    const { record } = await this.jobOf(jobId);
    if (!record.result) throw new JobNotFinishedError(`Job ${jobId} has not ended yet (${record.status}).`);
    return record.result;
  }

  async cancelJob(jobId: JobID): Promise<Acknowledge> {
    const job = await this.jobOf(jobId);
    if (job.record.ended) return Acknowledge;
    await job.runner?.cancel();
    return Acknowledge;
  }

  async subscribeToJob(jobId: JobID, listenerAddress: string): Promise<JobSnapshot> {
    const job = await this.jobOf(jobId);
    if (!job.record.ended) job.followers.add(listenerAddress, (task) => this.runAsync(task));
    return job.record.snapshot();
  }

  unsubscribeFromJob(jobId: JobID, listenerAddress: string): void {
    this.jobs.get(jobId)?.followers.remove(listenerAddress);
  }

  async requestMultipleJobDetails(): Promise<JobDetails[]> {
    return [...this.jobs.values()].map(({ record }) => record.details()).reverse();
  }

  async requestExecutionGraphInfo(jobId: JobID): Promise<ExecutionGraphInfo> {
    return (await this.jobOf(jobId)).record.executionGraphInfo();
  }

  // ------------------------------------------------------------------ for the REST API and tests

  /** Every job that runs or ran here. */
  getJobRecords(): JobRecord[] {
    return [...this.jobs.values()].map((job) => job.record);
  }

  // ------------------------------------------------------------------ jobs

  private runJob(jobGraph: JobGraph): RunningJob {
    const record = new JobRecord(jobGraph, this.now);
    const job: RunningJob = {
      record,
      followers: new JobFollowers(jobGraph.jobId, this.getRpcService(), this.listenerConnections),
      runner: undefined,
    };
    this.jobs.set(jobGraph.jobId, job);
    const { jobId } = jobGraph;
    const runner = new JobMasterServiceLeadershipRunner(
      this.services.haServices.getJobManagerLeaderElectionService(jobId),
      (jobMasterId) =>
        new JobMaster(this.getRpcService(), jobMasterId, {
          jobGraph,
          heartbeatServices: this.services.heartbeatServices,
          haServices: this.services.haServices,
          rpcTimeoutMs: this.services.rpcTimeoutMs,
          retryingRegistrationConfiguration: this.services.retryingRegistrationConfiguration,
          taskExecutorConnections: this.taskExecutorConnections,
          jobMasterConfiguration: this.services.jobMasterConfiguration,
          ...(this.services.jobManagerMetricGroup
            ? { jobManagerMetricGroup: this.services.jobManagerMetricGroup }
            : {}),
          // Called in this thread, in the JobMaster's mailbox turn; the followers batch per turn.
          listener: {
            onTaskStateChange: (change) =>
              job.followers.publish(record.taskChanged(toTaskStateChangeMessage(change))),
            onJobStatusChange: (status) => job.followers.publish(record.statusChanged(status)),
          },
        }),
      `job '${jobGraph.name}' (${jobId})`,
    );
    job.runner = runner;
    runner.getResultFuture().then(
      (result) => this.runAsync(() => this.jobEnded(job, toJobResultMessage(result))),
      (error: unknown) =>
        this.runAsync(() => {
          const cause = error instanceof Error ? error : new JobMasterError(String(error));
          this.jobEnded(job, toJobResultMessage({ jobId, status: JobStatus.SUSPENDED, error: cause }));
        }),
    );
    runner.start();
    return job;
  }

  private jobEnded(job: RunningJob, result: JobResultMessage): void {
    if (job.record.ended) return;
    log.info(`Job ${job.record.jobId} ended ${result.status}.`);
    // A job that the next leader runs again has no result yet: its clients follow it there.
    const continues = result.status === JobStatus.SUSPENDED && this.persistence.recoversJobs;
    if (!continues) job.followers.publish(job.record.finished(result));
    job.followers.close();
    job.runner = undefined;
    if (result.status === JobStatus.SUSPENDED) {
      this.persistence.jobSuspended(result.jobId).catch((error: unknown) => {
        log.warn(`Could not release job ${result.jobId} for the next leader.`, error);
      });
    } else {
      this.persist({ name: job.record.jobGraph.name, result });
    }
    this.trimArchive();
  }

  /** Records the result for good, then removes what the job left (its stored graph, its blobs). */
  private persist(ended: StoredJobResult): void {
    const { jobId } = ended.result;
    const cleanup = () => this.services.cleanupJob?.(jobId) ?? Promise.resolve();
    this.persistence.jobEnded(ended, cleanup).catch((error: unknown) => {
      log.warn(`Could not clean up after job ${jobId}; the next leader tries again.`, error);
    });
  }

  /** A job known only by its result, kept for listing and for clients that ask. */
  private archive(stored: StoredJobResult): RunningJob {
    const { jobId } = stored.result;
    const record = JobRecord.ofResult(stored.name, stored.result, this.now);
    const job: RunningJob = {
      record,
      followers: new JobFollowers(jobId, this.getRpcService(), this.listenerConnections),
      runner: undefined,
    };
    job.followers.close();
    this.jobs.set(jobId, job);
    return job;
  }

  private trimArchive(): void {
    let archived = 0;
    for (const job of this.jobs.values()) if (job.record.ended) archived++;
    for (const [jobId, job] of this.jobs) {
      if (archived <= kMaxArchivedJobs) return;
      if (!job.record.ended) continue;
      this.jobs.delete(jobId);
      archived--;
    }
  }

  /** Back in the endpoint's main thread after an await, so no mailbox turn sees a half-made change. */
  private inMainThread<T>(task: () => T): Promise<T> {
    return this.callAsync(task, this.getRpcService().askTimeoutMs);
  }

  /** The job, or one that ended under an earlier leader (its stored result), or JobNotFoundError. */
  private async jobOf(jobId: JobID): Promise<RunningJob> {
    if (typeof jobId !== 'string')
      throw new DispatcherError(`A job id must be a string, got ${typeof jobId}.`);
    const job = this.jobs.get(jobId);
    if (job) return job;
    const stored = await this.persistence.findResult(jobId);
    return this.inMainThread(() => {
      const known = this.jobs.get(jobId);
      if (known) return known;
      if (!stored) throw new JobNotFoundError(`Could not find Flink job (${jobId}).`);
      return this.archive(stored);
    });
  }
}
