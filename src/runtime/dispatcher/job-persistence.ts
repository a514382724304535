// Where a Dispatcher keeps its jobs so that the next leader can take over: the
// graphs of submitted jobs (JobGraphStore) and the results of ended ones
// (JobResultStore). A job graph is stored before the job runs; when the job ends
// for good its result is written dirty, its leftovers are cleaned up (graph,
// blobs), and the result is marked clean. A new leader runs every stored job
// that has no result, and answers for those that have one without running them
// again. Mirrors what Flink's Dispatcher does with its JobGraphWriter and
// JobResultStore, and SessionDispatcherLeaderProcess's recovery.

import { deserialize, serialize } from 'node:v8';
import { getLogger } from '../../actor/logger.js';
import type { JobGraphStore } from '../highavailability/job-graph-store.js';
import type { ApplicationStatus, JobResultStore } from '../highavailability/job-result-store.js';
import type { JobID } from '../types/ids.js';
import type { JobResultMessage } from '../types/job-events.js';
import type { JobGraph } from '../types/job-graph.js';
import { JobStatus } from '../types/job-status.js';

const log = getLogger('Dispatcher');

/** A job that ended under an earlier leader (or this one), as kept in the JobResultStore. */
export interface StoredJobResult {
  readonly name: string;
  readonly result: JobResultMessage;
}

export interface RecoveredJobs {
  /** Submitted and not ended: run them again. */
  readonly jobs: readonly JobGraph[];
  /** Ended, with their cleanup unfinished: finish it, and answer for them. */
  readonly results: readonly StoredJobResult[];
}

export interface JobPersistence {
  /** Whether a job suspended here runs again under the next leader (its clients wait for it). */
  readonly recoversJobs: boolean;
  /** Takes over the stored jobs, at the start of a leader session. */
  recover(): Promise<RecoveredJobs>;
  /** The stored result of a job that ended, or null (then a submission of it may run). */
  findResult(jobId: JobID): Promise<StoredJobResult | null>;
  /** Stores the job before it runs, for the next leader. */
  putJob(jobGraph: JobGraph): Promise<void>;
  /** The job ended for good: its result is written, `cleanup` runs, then the result is marked clean. */
  jobEnded(ended: StoredJobResult, cleanup: () => Promise<void>): Promise<void>;
  /** The job's run here ended without a result (leadership lost): the next leader runs it. */
  jobSuspended(jobId: JobID): Promise<void>;
  /** Releases what this leader session holds; the stored jobs stay. */
  stop(): Promise<void>;
}

/** Standalone and embedded HA keep nothing: a new jobmanager starts empty, as in Flink. */
export const kNoJobPersistence: JobPersistence = {
  recoversJobs: false,
  recover: () => Promise.resolve({ jobs: [], results: [] }),
  findResult: () => Promise.resolve(null),
  putJob: () => Promise.resolve(),
  jobEnded: (_ended, cleanup) => cleanup(),
  jobSuspended: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};

// v8's format, not JSON: task arguments and results are whatever structured clone carries.
const encode = (value: unknown): string => serialize(value).toString('base64');
const decode = <T>(payload: unknown): T => deserialize(Buffer.from(String(payload), 'base64')) as T;

function applicationStatusOf(status: JobStatus): ApplicationStatus {
  if (status === JobStatus.FINISHED) return 'SUCCEEDED';
  if (status === JobStatus.FAILED) return 'FAILED';
  if (status === JobStatus.CANCELED) return 'CANCELED';
  return 'UNKNOWN';
}

/** ZooKeeper HA: graphs in the JobGraphStore, results in the JobResultStore. */
export class HighAvailabilityJobPersistence implements JobPersistence {
  readonly recoversJobs = true;
  constructor(
    private readonly jobGraphStore: JobGraphStore,
    private readonly jobResultStore: JobResultStore,
  ) {}

  async recover(): Promise<RecoveredJobs> {
    // Jobs another Dispatcher adds or removes need no action: only the leader runs jobs.
    await this.jobGraphStore.start({ onAddedJobGraph: () => {}, onRemovedJobGraph: () => {} });
    const results = (await this.jobResultStore.getDirtyResults()).map((record) =>
      decode<StoredJobResult>(record.payload),
    );
    const ended = new Set(results.map(({ result }) => result.jobId));
    const jobs: JobGraph[] = [];
    for (const jobId of (await this.jobGraphStore.getJobIds()) as JobID[]) {
      if (ended.has(jobId) || (await this.jobResultStore.hasCleanJobResultEntry(jobId))) continue;
      const record = await this.jobGraphStore.recoverJobGraph(jobId);
      if (record) jobs.push(decode<JobGraph>(record.payload));
    }
    log.info(`Recovered ${jobs.length} job(s) to run and ${results.length} ended job(s) to clean up.`);
    return { jobs, results };
  }

  async findResult(jobId: JobID): Promise<StoredJobResult | null> {
    const record = await this.jobResultStore.getJobResult(jobId);
    return record ? decode<StoredJobResult>(record.payload) : null;
  }

  putJob(jobGraph: JobGraph): Promise<void> {
    return this.jobGraphStore.putJobGraph({
      jobId: jobGraph.jobId,
      name: jobGraph.name,
      payload: encode(jobGraph),
    });
  }

  async jobEnded(ended: StoredJobResult, cleanup: () => Promise<void>): Promise<void> {
    const { jobId, status } = ended.result;
    if (!(await this.jobResultStore.hasJobResultEntry(jobId))) {
      await this.jobResultStore.createDirtyResult({
        jobId,
        applicationStatus: applicationStatusOf(status),
        payload: encode(ended),
      });
    }
    await Promise.all([this.jobGraphStore.globalCleanup(jobId), cleanup()]);
    await this.jobResultStore.markResultAsClean(jobId);
  }

  jobSuspended(jobId: JobID): Promise<void> {
    return this.jobGraphStore.localCleanup(jobId);
  }

  stop(): Promise<void> {
    return this.jobGraphStore.stop();
  }
}
