// The TaskManager worker's module: one TaskExecutor per worker thread. It builds the
// thread's services from the plain data main sent (configuration, ResourceID,
// the address of main's leader information server), starts a
// TaskManagerRunner, and ends the thread when the runner fails, with an
// uncaught error that names the cause, so that main's WorkerHandle.failure has it.
// Mirrors the main method of Flink's TaskManagerRunner. The entry that runs it
// is task-manager-worker-entry.ts, bundled.

import type { RpcService } from '../src/rpc/rpc-service.js';
import { Configuration } from '../src/runtime/configuration/configuration.js';
import type { ConfigValue } from '../src/runtime/configuration/config-option.js';
import { RemoteHaServices } from '../src/runtime/highavailability/remote-ha-services.js';
import { TaskManagerRunner } from '../src/runtime/taskexecutor/task-manager-runner.js';
import { ResourceID } from '../src/runtime/types/ids.js';
import type { ResourceProfile } from '../src/runtime/types/resource-profile.js';

export interface TaskManagerWorkerData {
  readonly resourceId: string;
  readonly configuration: Readonly<Record<string, ConfigValue>>;
  /** Address of the LeaderInformationServer on the main thread. */
  readonly haServerAddress: string;
  readonly totalResourceProfile?: ResourceProfile;
}

export interface TaskManagerWorkerInfo {
  readonly resourceId: ResourceID;
  readonly address: string;
}

export function start(rpc: RpcService, data: TaskManagerWorkerData): TaskManagerWorkerInfo {
  const haServices = new RemoteHaServices(rpc, data.haServerAddress);
  const runner = new TaskManagerRunner(rpc, {
    configuration: Configuration.fromMap(data.configuration),
    haServices,
    resourceId: ResourceID.of(data.resourceId),
    ...(data.totalResourceProfile ? { totalResourceProfile: data.totalResourceProfile } : {}),
  });
  runner.start();
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
