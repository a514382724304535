// The copy of every blob that outlives the BlobServer which took it: with
// ZooKeeper HA, a jobmanager elected after a failover serves the blobs of the
// jobs it recovers from here (<high-availability.storageDir>/<cluster-id>/blob),
// since its own storage directory never saw them. Mirrors Flink's
// FileSystemBlobStore (a BlobStoreService), on a local or shared file system.

import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobID } from '../types/ids.js';
import type { BlobKey } from './blob-key.js';

/** Where a BlobServer keeps blobs for its successors (Flink's BlobStore). */
export interface BlobStore {
  /** Copies the complete local file in, atomically; a blob already there is kept. */
  put(localFile: string, jobId: JobID, key: BlobKey): Promise<void>;
  /** Copies the blob to `localFile`; false when the store has no such blob. */
  get(jobId: JobID, key: BlobKey, localFile: string): Promise<boolean>;
  /** Removes every blob of the job. */
  deleteAll(jobId: JobID): Promise<void>;
}

export class FileSystemBlobStore implements BlobStore {
  constructor(readonly basePath: string) {}

  async put(localFile: string, jobId: JobID, key: BlobKey): Promise<void> {
    const directory = join(this.basePath, `job_${jobId}`);
    await mkdir(directory, { recursive: true });
    // Copied under a temporary name and renamed, so a reader never sees half a blob.
    const temporary = join(directory, `.blob_${key}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await copyFile(localFile, temporary);
      await rename(temporary, this.location(jobId, key));
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async get(jobId: JobID, key: BlobKey, localFile: string): Promise<boolean> {
    try {
      await copyFile(this.location(jobId, key), localFile);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async deleteAll(jobId: JobID): Promise<void> {
    await rm(join(this.basePath, `job_${jobId}`), { recursive: true, force: true });
  }

  private location(jobId: JobID, key: BlobKey): string {
    return join(this.basePath, `job_${jobId}`, `blob_${key}`);
  }
}
