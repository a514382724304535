// The layout of a blob service's local directory, after Flink's BlobUtils:
// <base>/blobStore-<uuid>/job_<jobId>/blob_<key> for a job's blobs and
// <base>/blobStore-<uuid>/incoming/temp-<n> for files still arriving. A blob only
// ever appears under its key by a rename of a complete, checked file.

import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobID } from '../types/ids.js';
import type { BlobKey } from './blob-key.js';

export const kIncomingDirectory = 'incoming';

export class BlobStorage {
  private tempFileCounter = 0;

  private constructor(readonly storageDir: string) {}

  /** Creates <base>/blobStore-<uuid> (Flink's BlobUtils.initLocalStorageDirectory) and its incoming dir. */
  static async create(baseDirectory: string): Promise<BlobStorage> {
    await mkdir(baseDirectory, { recursive: true });
    const storageDir = join(baseDirectory, `blobStore-${randomUUID()}`);
    await mkdir(storageDir);
    await mkdir(join(storageDir, kIncomingDirectory));
    return new BlobStorage(storageDir);
  }

  jobDirectory(jobId: JobID): string {
    return join(this.storageDir, `job_${jobId}`);
  }

  /** Where the blob lives once complete; the key and job id must have been checked (blob-key.ts). */
  storageLocation(jobId: JobID, key: BlobKey): string {
    return join(this.jobDirectory(jobId), `blob_${key}`);
  }

  /** A fresh name in the incoming directory. */
  createTemporaryFilename(): string {
    const n = String(this.tempFileCounter++).padStart(8, '0');
    return join(this.storageDir, kIncomingDirectory, `temp-${n}`);
  }

  /** The blob's size, or undefined when there is none. */
  async sizeOf(jobId: JobID, key: BlobKey): Promise<number | undefined> {
    try {
      const stats = await stat(this.storageLocation(jobId, key));
      return stats.isFile() ? stats.size : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Moves a complete, checked temporary file to its key (Flink's
   * moveTempFileToStore). The rename is atomic; when the blob is already there,
   * the same content is, so the new copy is dropped and the stored one kept.
   */
  async moveTempFileToStore(incomingFile: string, jobId: JobID, key: BlobKey): Promise<string> {
    const target = this.storageLocation(jobId, key);
    try {
      if ((await this.sizeOf(jobId, key)) !== undefined) return target;
      await mkdir(this.jobDirectory(jobId), { recursive: true });
      await rename(incomingFile, target);
      return target;
    } finally {
      await rm(incomingFile, { force: true });
    }
  }

  /** Removes a job's directory and every blob in it. */
  async deleteJobDirectory(jobId: JobID): Promise<void> {
    await rm(this.jobDirectory(jobId), { recursive: true, force: true });
  }

  /** Removes the whole storage directory. */
  async destroy(): Promise<void> {
    await rm(this.storageDir, { recursive: true, force: true });
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
