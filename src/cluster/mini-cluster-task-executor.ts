// Starting one TaskExecutor of the MiniCluster in a worker thread of its own,
// as Flink's MiniCluster.startTaskManager starts a TaskManagerRunner. The
// thread boots, loads its bundle and joins the mesh at once; its TaskExecutor
// starts once the HA server's address is known, which may come later: the
// MiniCluster starts its first TaskExecutors' threads while the JobManager's
// starts (a thread's boot is most of its start-up, bench:cluster).

import type { RpcService } from '../rpc/rpc-service.js';
import type { WorkerHandle } from '../rpc/worker-handle.js';
import type { Configuration } from '../runtime/configuration/configuration.js';
import { ResourceID } from '../runtime/types/ids.js';
import type { ResourceProfile } from '../runtime/types/resource-profile.js';
import { kTaskManagerWorkerEntry, kTaskManagerWorkerModule } from '../worker-entries.js';
import type { TaskManagerWorkerData } from '../../workers/task-manager-worker.js';

/** What every TaskExecutor of one MiniCluster starts with. */
export interface TaskExecutorLaunch {
  readonly rpc: RpcService;
  readonly configuration: Configuration;
  readonly totalResourceProfile: ResourceProfile | undefined;
}

export interface StartedTaskExecutor {
  readonly resourceId: ResourceID;
  readonly handle: WorkerHandle;
}

/**
 * Starts TaskExecutor `tm_<index>`. If `haServerAddress` rejects, the thread
 * ends and the start fails with that error.
 */
export async function spawnTaskExecutor(
  launch: TaskExecutorLaunch,
  index: number,
  haServerAddress: string | Promise<string>,
): Promise<StartedTaskExecutor> {
  const resourceId = ResourceID.of(`tm_${index}`);
  const workerData = Promise.resolve(haServerAddress).then((address): TaskManagerWorkerData => ({
    resourceId,
    configuration: launch.configuration.toMap(),
    haServerAddress: address,
    ...(launch.totalResourceProfile ? { totalResourceProfile: launch.totalResourceProfile } : {}),
  }));
  const handle = await launch.rpc.spawnWorker(kTaskManagerWorkerModule, {
    name: `taskmanager_${index}`,
    hostEntry: kTaskManagerWorkerEntry,
    workerData,
  });
  return { resourceId, handle };
}
