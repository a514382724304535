// The submit side of the blob service: uploads a job's files, and turns its task
// modules given as local files into bundles stored at the BlobServer, named
// `blob:<sha256>` in the job's TaskInvokables. Mirrors what Flink's client does
// with a job's jars before submitJob (ClientUtils.uploadJobGraphFiles).

import { isAbsolute } from 'node:path';
import type { JobID } from '../types/ids.js';
import type { TaskInvokable } from '../types/task-deployment-descriptor.js';
import { putBlob, type BlobSource } from './blob-client.js';
import type { BlobKey } from './blob-key.js';
import type { BlobServerGateway } from './blob-server-gateway.js';
import { blobKeyOfModule, blobModuleSpecifier, isBlobModule } from './blob-task-module.js';
import { localPathOf, packageTaskModule, type PackageTaskModuleOptions } from './task-module-packaging.js';

/** Uploads each source for the job, one after another, and returns their keys in order. */
export async function uploadJobArtifacts(
  gateway: BlobServerGateway,
  jobId: JobID,
  sources: readonly BlobSource[],
): Promise<BlobKey[]> {
  const keys: BlobKey[] = [];
  for (const source of sources) keys.push(await putBlob(gateway, jobId, source));
  return keys;
}

/**
 * Bundles and uploads every task module given as a local file (an absolute path
 * or a file: URL), once per distinct module, and returns the invokables with
 * those modules replaced by `blob:<key>`. `data:` URLs and modules that already
 * name a blob are left as they are (a `blob:` module is checked).
 */
export async function uploadTaskModules(
  gateway: BlobServerGateway,
  jobId: JobID,
  invokables: readonly TaskInvokable[],
  options: PackageTaskModuleOptions = {},
): Promise<TaskInvokable[]> {
  // By local path, so that a file: URL and the path of the same module are one upload.
  const uploaded = new Map<string, Promise<string>>();
  const specifierOf = (module: string): Promise<string> => {
    const path = localPathOf(module);
    let specifier = uploaded.get(path);
    if (!specifier) {
      specifier = packageTaskModule(path, options).then(async (bundle) =>
        blobModuleSpecifier(await putBlob(gateway, jobId, bundle.contents)),
      );
      uploaded.set(path, specifier);
    }
    return specifier;
  };
  const resolved: TaskInvokable[] = [];
  for (const invokable of invokables) {
    const { module } = invokable;
    if (isBlobModule(module)) {
      blobKeyOfModule(module);
      resolved.push(invokable);
    } else if (module.startsWith('file:') || isAbsolute(module)) {
      resolved.push({ ...invokable, module: await specifierOf(module) });
    } else {
      resolved.push(invokable);
    }
  }
  return resolved;
}
