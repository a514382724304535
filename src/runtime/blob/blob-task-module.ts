// How a deployed task names a module that travels as a blob: the TaskInvokable's
// module is `blob:<sha256>`, the key of the bundle uploaded at submit time. On the
// TaskExecutor, resolveTaskInvokable swaps it for the file: URL of the checked
// local copy in the process's BlobCache before the slot worker imports it.

import { pathToFileURL } from 'node:url';
import type { JobID } from '../types/ids.js';
import type { TaskInvokable } from '../types/task-deployment-descriptor.js';
import { BlobKey } from './blob-key.js';
import type { PermanentBlobService } from './permanent-blob-cache.js';

export const kBlobModuleScheme = 'blob:';

/** `blob:<key>`, the module of a task whose code is the blob with that key. */
export function blobModuleSpecifier(key: BlobKey): string {
  return `${kBlobModuleScheme}${BlobKey.of(key)}`;
}

/** Whether a TaskInvokable's module names a blob (then it must be `blob:` and a valid key). */
export function isBlobModule(module: string): boolean {
  return typeof module === 'string' && module.startsWith(kBlobModuleScheme);
}

/** The key in `blob:<key>`; InvalidBlobKeyError for anything else after the scheme. */
export function blobKeyOfModule(module: string): BlobKey {
  return BlobKey.of(module.slice(kBlobModuleScheme.length));
}

/**
 * The invokable with a `blob:<key>` module replaced by the file: URL of the
 * blob's local copy, fetched through `blobService` for the job (which must be
 * registered there). Any other module is returned unchanged.
 */
export async function resolveTaskInvokable(
  jobId: JobID,
  invokable: TaskInvokable,
  blobService: PermanentBlobService,
): Promise<TaskInvokable> {
  if (!isBlobModule(invokable.module)) return invokable;
  return { ...invokable, module: await resolveBlobModule(jobId, invokable.module, blobService) };
}

/** The file: URL of the local copy of `blob:<key>`, fetched through `blobService` for the job. */
export async function resolveBlobModule(
  jobId: JobID,
  module: string,
  blobService: PermanentBlobService,
): Promise<string> {
  const path = await blobService.getFile(jobId, blobKeyOfModule(module));
  return pathToFileURL(await asEsModuleFile(path)).href;
}

/**
 * Node picks a module's format by its file extension, and a blob's file has none
 * (blob_<key>), so the module is imported through a hard link named .mjs next to
 * it: no copy, atomic, and deleted with the job's directory. A file system
 * without hard links gets a copy, renamed into place so no one imports half of it.
 */
async function asEsModuleFile(path: string): Promise<string> {
  // Loaded here, not imported: a TaskExecutor whose jobs bring no blob starts without them.
  const { copyFile, link, rename, rm } = process.getBuiltinModule('node:fs/promises');
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  const modulePath = `${path}.mjs`;
  try {
    await link(path, modulePath);
    return modulePath;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return modulePath;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  const temporary = `${modulePath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await copyFile(path, temporary);
    await rename(temporary, modulePath);
  } finally {
    await rm(temporary, { force: true });
  }
  return modulePath;
}
