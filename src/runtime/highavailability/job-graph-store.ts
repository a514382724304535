// Where a Dispatcher keeps submitted jobs so that its successor can recover them,
// mirroring Flink's JobGraphStore, JobGraphListener and JobGraphStoreWatcher. The stored
// job is a plain record (id, name, an opaque JSON payload) so that the store does not
// depend on the jobmaster package; the Dispatcher maps its job graph into `payload`.

import type { JsonValue } from './json-value.js';

export interface JobGraphRecord {
  readonly jobId: string;
  readonly name: string;
  readonly payload: JsonValue;
}

/** Told of job graphs that another store added or removed (Flink's JobGraphListener). */
export interface JobGraphListener {
  onAddedJobGraph(jobId: string): void;
  onRemovedJobGraph(jobId: string): void;
}

export interface JobGraphStore {
  start(listener: JobGraphListener): Promise<void>;
  /** Releases this store's locks; the job graphs stay for the next leader. */
  stop(): Promise<void>;
  /** The stored record and a lock on it, or null if there is none. */
  recoverJobGraph(jobId: string): Promise<JobGraphRecord | null>;
  /** Adds or replaces a record this store added or recovered. */
  putJobGraph(jobGraph: JobGraphRecord): Promise<void>;
  /** Removes the record for good, once no other store holds a lock on it. */
  globalCleanup(jobId: string): Promise<void>;
  /** Releases this store's lock only, so that another store may remove the record. */
  localCleanup(jobId: string): Promise<void>;
  getJobIds(): Promise<string[]>;
}

/** Watches the stored job ids for changes made elsewhere (Flink's JobGraphStoreWatcher). */
export interface JobGraphStoreWatcher {
  start(listener: JobGraphListener): Promise<void>;
  stop(): Promise<void>;
}
