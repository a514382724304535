// A JobResultStore of JSON files, mirroring Flink's FileSystemJobResultStore:
// <jobId>_DIRTY.json while cleanup is pending, then deleted, or renamed to <jobId>.json
// when job-result-store.delete-on-commit is false. Each file holds {"result", "version"}
// and is written to a temporary name and linked into place, so it never exists half-written.

import { randomBytes } from 'node:crypto';
import { access, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Configuration } from '../configuration/configuration.js';
import { HighAvailabilityOptions } from '../configuration/high-availability-options.js';
import { IllegalConfigurationError } from '../configuration/illegal-configuration-error.js';
import { JobResultStoreOptions } from '../configuration/job-result-store-options.js';
import { toLocalDirectory } from './file-system-state-storage-helper.js';
import {
  CorruptStateHandleError,
  JobResultEntryAlreadyExistsError,
  NoSuchJobResultError,
} from './job-persistence-errors.js';
import type { JobResultRecord, JobResultStore } from './job-result-store.js';

export const kFileExtension = '.json';
export const kDirtyFileExtension = `_DIRTY${kFileExtension}`;

interface JsonJobResultEntry {
  readonly result: JobResultRecord;
  readonly version: 1;
}

export class FileSystemJobResultStore implements JobResultStore {
  private ready: Promise<void> | null = null;

  constructor(
    readonly basePath: string,
    readonly deleteOnCommit: boolean,
  ) {}

  static fromConfiguration(conf: Configuration): FileSystemJobResultStore {
    const configured = conf.getOptional(JobResultStoreOptions.STORAGE_PATH)?.trim();
    let basePath: string;
    if (configured) {
      basePath = toLocalDirectory(configured, JobResultStoreOptions.STORAGE_PATH.key);
    } else {
      const { HA_STORAGE_PATH, HA_CLUSTER_ID } = HighAvailabilityOptions;
      const storageDir = conf.getOptional(HA_STORAGE_PATH)?.trim();
      if (!storageDir) {
        throw new IllegalConfigurationError(
          `Configuration is missing the mandatory parameter: ${HA_STORAGE_PATH.key} ` +
            `(or ${JobResultStoreOptions.STORAGE_PATH.key}).`,
        );
      }
      basePath = FileSystemJobResultStore.createDefaultJobResultStorePath(
        toLocalDirectory(storageDir, HA_STORAGE_PATH.key),
        conf.get(HA_CLUSTER_ID),
      );
    }
    return new FileSystemJobResultStore(basePath, conf.get(JobResultStoreOptions.DELETE_ON_COMMIT));
  }

  static createDefaultJobResultStorePath(baseDir: string, clusterId: string): string {
    return join(baseDir, 'job-result-store', clusterId);
  }

  async createDirtyResult(jobResult: JobResultRecord): Promise<void> {
    await this.ensureBasePath();
    if (await this.hasJobResultEntry(jobResult.jobId)) {
      throw new JobResultEntryAlreadyExistsError(
        `Job result store already contains an entry for job ${jobResult.jobId}.`,
      );
    }
    const entry: JsonJobResultEntry = { result: jobResult, version: 1 };
    const target = this.dirtyPath(jobResult.jobId);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(entry), { flag: 'wx' });
      // link() fails if the target exists: no overwrite, as Flink's WriteMode.NO_OVERWRITE.
      await link(temporary, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new JobResultEntryAlreadyExistsError(
          `Job result store already contains an entry for job ${jobResult.jobId}.`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async markResultAsClean(jobId: string): Promise<void> {
    if (await this.hasCleanJobResultEntry(jobId)) return;
    const dirty = this.dirtyPath(jobId);
    if (!(await exists(dirty))) {
      throw new NoSuchJobResultError(
        `Could not mark job ${jobId} as clean as it is not present in the job result store.`,
      );
    }
    if (this.deleteOnCommit) await rm(dirty, { force: true });
    else await rename(dirty, this.cleanPath(jobId));
  }

  async hasJobResultEntry(jobId: string): Promise<boolean> {
    return (await this.hasDirtyJobResultEntry(jobId)) || (await this.hasCleanJobResultEntry(jobId));
  }

  hasDirtyJobResultEntry(jobId: string): Promise<boolean> {
    return exists(this.dirtyPath(jobId));
  }

  hasCleanJobResultEntry(jobId: string): Promise<boolean> {
    return exists(this.cleanPath(jobId));
  }

  async getDirtyResults(): Promise<JobResultRecord[]> {
    await this.ensureBasePath();
    const results: JobResultRecord[] = [];
    for (const name of (await readdir(this.basePath)).sort()) {
      if (!name.endsWith(kDirtyFileExtension)) continue;
      const result = await readEntry(join(this.basePath, name));
      if (result) results.push(result);
    }
    return results;
  }

  async getJobResult(jobId: string): Promise<JobResultRecord | null> {
    return (await readEntry(this.dirtyPath(jobId))) ?? (await readEntry(this.cleanPath(jobId)));
  }

  private dirtyPath(jobId: string): string {
    return join(this.basePath, `${jobId}${kDirtyFileExtension}`);
  }

  private cleanPath(jobId: string): string {
    return join(this.basePath, `${jobId}${kFileExtension}`);
  }

  private ensureBasePath(): Promise<void> {
    this.ready ??= mkdir(this.basePath, { recursive: true }).then(() => undefined);
    return this.ready;
  }
}

/** The result in an entry file; null if the file is gone (cleaned meanwhile). */
async function readEntry(file: string): Promise<JobResultRecord | null> {
  let entry: Partial<JsonJobResultEntry> | null;
  try {
    entry = JSON.parse(await readFile(file, 'utf8')) as Partial<JsonJobResultEntry> | null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CorruptStateHandleError(`The job result file ${file} is not valid JSON.`, { cause: error });
  }
  if (typeof entry?.result?.jobId !== 'string') {
    throw new CorruptStateHandleError(`The job result file ${file} holds no job result.`);
  }
  return entry.result;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
