// The TaskManager worker's module: one TaskExecutor per worker thread. It builds the
// thread's services from the plain data main sent (configuration, ResourceID,
// the address of main's leader information server), starts a
// TaskManagerRunner, and ends the thread when the runner fails, with an
// uncaught error that names the cause, so that main's WorkerHandle.failure has it.
// Mirrors the main method of Flink's TaskManagerRunner. The entry that runs it
// is task-manager-worker-entry.ts, bundled.

import { getLogger } from '../src/actor/logger.js';
import type { RpcService } from '../src/rpc/rpc-service.js';
import { BlobCacheGateway } from '../src/runtime/blob/blob-cache-service.js';
import { BlobServiceConfiguration } from '../src/runtime/blob/blob-service-configuration.js';
import { Configuration } from '../src/runtime/configuration/configuration.js';
import type { ConfigValue } from '../src/runtime/configuration/config-option.js';
import { RemoteHaServices } from '../src/runtime/highavailability/remote-ha-services.js';
import { TaskManagerRunner } from '../src/runtime/taskexecutor/task-manager-runner.js';
import type { TaskBlobService } from '../src/runtime/taskexecutor/task/task-code.js';
import { ResourceID } from '../src/runtime/types/ids.js';
import type { ResourceProfile } from '../src/runtime/types/resource-profile.js';

const log = getLogger('task-manager-worker');

export interface TaskManagerWorkerData {
  readonly resourceId: string;
  readonly configuration: Readonly<Record<string, ConfigValue>>;
  /** Address of the LeaderInformationServer on the main thread. */
  readonly haServerAddress: string;
  readonly totalResourceProfile?: ResourceProfile;
  /** Address of the process's BlobCacheService, for `blob:` task modules (standalone taskmanagers). */
  readonly blobCacheAddress?: string;
}

export interface TaskManagerWorkerInfo {
  readonly resourceId: ResourceID;
  readonly address: string;
}

let warm!: () => void;
/**
 * Settles once this thread's TaskExecutor has registered at its ResourceManager:
 * the code cache is written then, with the registration's code in it
 * (code-cached-bundle.cts).
 */
export const warmedUp = new Promise<void>((resolve) => (warm = resolve));

export function start(rpc: RpcService, data: TaskManagerWorkerData): TaskManagerWorkerInfo {
  const configuration = Configuration.fromMap(data.configuration);
  const haServices = new RemoteHaServices(rpc, data.haServerAddress);
  const runner = new TaskManagerRunner(rpc, {
    configuration,
    haServices,
    resourceId: ResourceID.of(data.resourceId),
    ...(data.totalResourceProfile ? { totalResourceProfile: data.totalResourceProfile } : {}),
    ...(data.blobCacheAddress ? { blobService: blobCacheAt(rpc, data.blobCacheAddress, configuration) } : {}),
  });
  runner.start();
  void runner.getTaskExecutor().whenFirstRegisteredAtResourceManager().then(warm);
  void runner.getTerminationFuture().then(async (outcome) => {
    await haServices.closeAsync().catch(() => {});
    if (outcome.result === 'FAILURE') {
      // Thrown outside any promise, so Node ends this thread with exit code 1 and hands the error to main.
      setImmediate(() => {
        throw outcome.cause;
      });
    }
  });
  return { resourceId: runner.resourceId, address: runner.getAddress() };
}

/**
 * The process's BlobCache, reached through its endpoint on main. Calls go out in
 * the order made, on one connection, so a job is registered before its first
 * getFile arrives; a download may take as long as an upload is allowed to.
 */
function blobCacheAt(rpc: RpcService, address: string, configuration: Configuration): TaskBlobService {
  const gateway = rpc.connect(address, BlobCacheGateway);
  gateway.catch(() => {});
  const timeoutMs = BlobServiceConfiguration.fromConfiguration(configuration).uploadTimeoutMs;
  const logFailure = (what: string) => (error: unknown) =>
    log.warn(`Could not ${what} at the process's BlobCache.`, error);
  return {
    registerJob: (jobId) => {
      gateway.then((cache) => cache.registerJob(jobId)).catch(logFailure(`register job ${jobId}`));
    },
    releaseJob: (jobId) => {
      gateway.then((cache) => cache.releaseJob(jobId)).catch(logFailure(`release job ${jobId}`));
    },
    getFile: async (jobId, key) => (await gateway).getFile(jobId, key, timeoutMs),
  };
}
