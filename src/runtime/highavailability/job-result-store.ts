// Where the results of finished jobs are kept until their cleanup is done, mirroring
// Flink's JobResultStore: a result is written dirty when the job reaches a globally
// terminal state and marked clean once its HA data is removed, so that a new leader
// neither re-runs a finished job nor forgets to clean one up.

import type { JsonValue } from './json-value.js';

/** Flink's ApplicationStatus. */
export type ApplicationStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';

/** What is kept of a finished job; `payload` is the caller's (accumulators, failure, runtime). */
export interface JobResultRecord {
  readonly jobId: string;
  readonly applicationStatus: ApplicationStatus;
  readonly payload?: JsonValue;
}

export interface JobResultStore {
  /** JobResultEntryAlreadyExistsError if the job has a dirty or clean entry already. */
  createDirtyResult(jobResult: JobResultRecord): Promise<void>;
  /** No-op if already clean; NoSuchJobResultError if there is no dirty entry. */
  markResultAsClean(jobId: string): Promise<void>;
  hasJobResultEntry(jobId: string): Promise<boolean>;
  hasDirtyJobResultEntry(jobId: string): Promise<boolean>;
  hasCleanJobResultEntry(jobId: string): Promise<boolean>;
  getDirtyResults(): Promise<JobResultRecord[]>;
  /** The job's entry, dirty or clean (a clean one is gone with delete-on-commit), or null. */
  getJobResult(jobId: string): Promise<JobResultRecord | null>;
}
