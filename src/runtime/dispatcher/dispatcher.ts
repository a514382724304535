// The Dispatcher: it takes jobs from clients and runs each one with a
// JobMaster elected for it, lists the jobs, answers their status and results,
// cancels them, and tells the clients that follow a job everything that
// happens to it. Mirrors Flink's Dispatcher (StandaloneDispatcher with its
// JobManagerRunner per job and its ExecutionGraphInfoStore), a FencedRpcEndpoint
// whose token is its leader session. A new leader session means a new
// Dispatcher (DispatcherService); the jobs it is handed to recover run again.

import { nanoid } from 'nanoid';
import { getLogger } from '../../actor/logger.js';
import { FencedRpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { JobMasterConfiguration } from '../configuration/job-master-configuration.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import { DispatcherGateway, type JobStatusMessage } from '../gateways/dispatcher-gateway.js';
import type { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import { JobMaster } from '../jobmaster/job-master.js';
import { JobMasterError } from '../jobmaster/job-master-errors.js';
import { JobMasterServiceLeadershipRunner } from '../jobmaster/job-master-service-leadership-runner.js';
import { Acknowledge } from '../types/acknowledge.js';
import type { DispatcherId, JobID } from '../types/ids.js';
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
  private readonly now: () => number;

  constructor(
    rpcService: RpcService,
    dispatcherId: DispatcherId,
    private readonly services: DispatcherServices,
    /** Jobs to run again as this leader takes over (see DispatcherService). */
    private readonly recoveredJobs: readonly JobGraph[] = [],
  ) {
    super(rpcService, dispatcherId, services.endpointIdFor?.() ?? `dispatcher_${nanoid(8)}`);
    this.now = services.now ?? Date.now;
  }

  protected override onStart(): void {
    for (const jobGraph of this.recoveredJobs) {
      log.info(`Recovering job ${jobGraph.jobId} ('${jobGraph.name}').`);
      this.runJob(jobGraph);
    }
  }

  protected override async onStop(): Promise<void> {
    const stopping = [...this.jobs.values()].map(async (job) => {
      await job.runner?.closeAsync();
      job.followers.close();
    });
    await Promise.allSettled(stopping);
  }

  // ------------------------------------------------------------------ DispatcherGateway

  async submitJob(jobGraph: JobGraph, listenerAddress: string | null): Promise<Acknowledge> {
    checkJobGraph(jobGraph);
    if (this.jobs.has(jobGraph.jobId)) {
      throw new DuplicateJobSubmissionError(`Job ${jobGraph.jobId} has already been submitted.`);
    }
    log.info(`Received job ${jobGraph.jobId} ('${jobGraph.name}') with ${jobGraph.tasks.length} tasks.`);
    const job = this.runJob(jobGraph);
    if (listenerAddress !== null) job.followers.add(listenerAddress, (task) => this.runAsync(task));
    return Acknowledge;
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
    return this.jobOf(jobId).record.status;
  }

  async requestJobResult(jobId: JobID): Promise<JobResultMessage> {
    const { record } = this.jobOf(jobId);
    if (!record.result) throw new JobNotFinishedError(`Job ${jobId} has not ended yet (${record.status}).`);
    return record.result;
  }

  async cancelJob(jobId: JobID): Promise<Acknowledge> {
    const job = this.jobOf(jobId);
    if (job.record.ended) return Acknowledge;
    await job.runner?.cancel();
    return Acknowledge;
  }

  async subscribeToJob(jobId: JobID, listenerAddress: string): Promise<JobSnapshot> {
    const job = this.jobOf(jobId);
    if (!job.record.ended) job.followers.add(listenerAddress, (task) => this.runAsync(task));
    return job.record.snapshot();
  }

  unsubscribeFromJob(jobId: JobID, listenerAddress: string): void {
    this.jobs.get(jobId)?.followers.remove(listenerAddress);
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
      followers: new JobFollowers(jobGraph.jobId, this.getRpcService()),
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
          jobMasterConfiguration: this.services.jobMasterConfiguration,
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
    job.followers.publish(job.record.finished(result));
    job.followers.close();
    job.runner = undefined;
    this.trimArchive();
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

  private jobOf(jobId: JobID): RunningJob {
    if (typeof jobId !== 'string')
      throw new DispatcherError(`A job id must be a string, got ${typeof jobId}.`);
    const job = this.jobs.get(jobId);
    if (!job) throw new JobNotFoundError(`Could not find Flink job (${jobId}).`);
    return job;
  }
}
