// Writes HA state as JSON files in the storage dir, mirroring Flink's
// FileSystemStateStorageHelper: each store() makes a new file named <prefix><random>,
// written to a temporary name and renamed, so a reader never sees half a file.
// Only local paths and file:// URIs are supported; Flink also writes to HDFS or S3.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from '../configuration/configuration.js';
import { HighAvailabilityOptions } from '../configuration/high-availability-options.js';
import { IllegalConfigurationError } from '../configuration/illegal-configuration-error.js';
import { CorruptStateHandleError, StateHandleNotFoundError } from './job-persistence-errors.js';
import type { RetrievableStateHandle, RetrievableStateStorageHelper } from './state-handle-store.js';

/** A local directory from a path or file:// URI; other schemes are not supported here. */
export function toLocalDirectory(pathOrUri: string, key: string): string {
  const trimmed = pathOrUri.trim();
  if (trimmed.startsWith('file:')) return fileURLToPath(trimmed);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed)) {
    throw IllegalConfigurationError.invalidValue(
      key,
      pathOrUri,
      'only local paths and file:// URIs are supported.',
    );
  }
  return trimmed;
}

/** <storageDir>/<cluster-id>, Flink's HighAvailabilityServicesUtils.getClusterHighAvailableStoragePath. */
export function getClusterHighAvailableStoragePath(conf: Configuration): string {
  const { HA_STORAGE_PATH, HA_CLUSTER_ID } = HighAvailabilityOptions;
  const storageDir = conf.getOptional(HA_STORAGE_PATH)?.trim();
  if (!storageDir) {
    throw new IllegalConfigurationError(
      `Configuration is missing the mandatory parameter: ${HA_STORAGE_PATH.key}`,
    );
  }
  return join(toLocalDirectory(storageDir, HA_STORAGE_PATH.key), conf.get(HA_CLUSTER_ID));
}

/** Writes `text` to `file` through a temporary file and a rename. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export class FileSystemStateStorageHelper<T> implements RetrievableStateStorageHelper<T> {
  constructor(
    readonly rootPath: string,
    readonly prefix: string,
  ) {}

  async store(state: T): Promise<RetrievableStateHandle> {
    await mkdir(this.rootPath, { recursive: true });
    const filePath = join(this.rootPath, `${this.prefix}${randomBytes(12).toString('hex')}`);
    await writeFileAtomically(filePath, JSON.stringify(state));
    return { filePath };
  }

  async retrieveState(handle: RetrievableStateHandle): Promise<T> {
    let text: string;
    try {
      text = await readFile(handle.filePath, 'utf8');
    } catch (error) {
      if (isNotFound(error)) {
        throw new StateHandleNotFoundError(`The state file ${handle.filePath} does not exist.`, {
          cause: error,
        });
      }
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CorruptStateHandleError(`The state file ${handle.filePath} is not valid JSON.`, {
        cause: error,
      });
    }
  }

  async discardState(handle: RetrievableStateHandle): Promise<void> {
    await rm(handle.filePath, { force: true });
  }
}
