// The cross-thread path: a TaskExecutor in its own worker (the TaskManagerRunner
// entry, as the MiniCluster starts it) registers at a ResourceManager on the
// main thread, takes a slot for a job whose JobMaster also lives on main, and
// runs the JobMaster's task on a worker nested in its own thread. States, results
// and errors cross two thread boundaries on the way back. Both worker entries
// are tried: the runner module under the generic host, and the esbuild bundle
// the MiniCluster uses, where the task runner is found differently (the bundle
// exists once `npm run build` has run; without it that case is skipped).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

import { expect } from 'chai';
import { kTaskManagerWorkerEntry, kTaskManagerWorkerModule } from '../../../../src/worker-entries.js';

import type { WorkerHandle } from '../../../../src/rpc/worker-handle.js';
import { EmbeddedHaServices } from '../../../../src/runtime/highavailability/embedded-ha-services.js';
import type { LeaderElectionService } from '../../../../src/runtime/highavailability/leader-election.js';
import { LeaderInformationServer } from '../../../../src/runtime/highavailability/leader-information-server.js';
import { TaskExecutorGateway } from '../../../../src/runtime/gateways/task-executor-gateway.js';
import { AllocationID, JobID, JobMasterId, ResourceManagerId } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import { SlotID } from '../../../../src/runtime/types/slot-id.js';
import type { TaskExecutionState } from '../../../../src/runtime/types/task-execution-state.js';
import { TestingJobMaster } from '../../../fixtures/testing-job-master.js';
import { TestingResourceManager } from '../../../fixtures/testing-resource-manager.js';
import { eventually } from '../../../support/eventually.js';
import { useRpcService } from '../../../support/paths.js';
import type {
  TaskManagerWorkerData,
  TaskManagerWorkerInfo,
} from '../../../../workers/task-manager-worker.js';
import { deploymentOf, invokable, kRpcTimeoutMs, kValuesModule } from './testing-task-deployment.js';

const kRunnerModule = kTaskManagerWorkerModule;
const kRunnerBundle = kTaskManagerWorkerEntry;
const kHosts = [
  { name: 'the runner module', hostEntry: undefined },
  { name: 'the bundled runner', hostEntry: kRunnerBundle },
] as const;

/** Enters a contender that, once granted a session, starts `create(session)` and confirms its address. */
function elect<E extends { start(): void; getAddress(): string }>(
  election: LeaderElectionService,
  create: (sessionId: string) => E,
): Promise<E> {
  return new Promise((resolve, reject) => {
    election.start({
      grantLeadership: (sessionId) => {
        const endpoint = create(sessionId);
        endpoint.start();
        election.confirmLeadership(sessionId, endpoint.getAddress());
        resolve(endpoint);
      },
      revokeLeadership: () => {},
      handleError: reject,
    });
  });
}

describe('TaskExecutor in a worker: tasks in nested workers', () => {
  const service = useRpcService();
  let ha: EmbeddedHaServices | undefined;
  let handle: WorkerHandle | undefined;
  afterEach(async () => {
    await handle?.terminate();
    await ha?.closeAsync();
    handle = undefined;
    ha = undefined;
  });

  for (const { name, hostEntry } of kHosts) {
    it(`runs a JobMaster’s task on a worker nested in the TaskExecutor’s thread and reports back across both (${name})`, async function () {
      if (hostEntry && !existsSync(fileURLToPath(hostEntry))) this.skip();
      const { rpc } = service;
      ha = new EmbeddedHaServices(rpc.getScheduledExecutor());
      const server = new LeaderInformationServer(rpc, ha);
      server.start();
      const jobId = JobID.generate();
      const rm = await elect(
        ha.getResourceManagerLeaderElectionService(),
        (session) => new TestingResourceManager(rpc, ResourceManagerId.of(session)),
      );
      const jm = await elect(
        ha.getJobManagerLeaderElectionService(jobId),
        (session) => new TestingJobMaster(rpc, JobMasterId.of(session)),
      );

      const workerData: TaskManagerWorkerData = {
        resourceId: 'te-in-worker',
        configuration: { 'taskmanager.numberOfTaskSlots': 1 },
        haServerAddress: server.getAddress(),
      };
      handle = await rpc.spawnWorker(kRunnerModule, { workerData, ...(hostEntry ? { hostEntry } : {}) });
      const info = handle.result as TaskManagerWorkerInfo;
      await eventually(
        () => rm.callsOf('sendSlotReport').length === 1,
        'the registration at the ResourceManager',
      );

      const te = await rpc.connect(info.address, TaskExecutorGateway);
      const allocationId = AllocationID.generate();
      await te.requestSlot(
        SlotID.of(info.resourceId, 0),
        jobId,
        allocationId,
        ResourceProfile.UNKNOWN,
        jm.getAddress(),
        rm.getFencingToken(),
        kRpcTimeoutMs,
      );
      await eventually(() => jm.callsOf('offerSlots').length === 1, 'the slot offer to the JobMaster');

      const states = () =>
        jm.callsOf('updateTaskExecutionState').map(([state]) => state as TaskExecutionState);
      const threadTask = deploymentOf(jobId, allocationId, invokable(kValuesModule, 'currentThreadId'));
      await te.submitTask(threadTask, jm.getFencingToken(), kRpcTimeoutMs);
      await eventually(() => states().length === 2, 'RUNNING and FINISHED');
      const [running, finished] = states();
      expect(running).to.deep.equal({ jobId, executionId: threadTask.executionId, state: 'RUNNING' });
      expect(finished).to.include({ state: 'FINISHED' });
      expect(finished!.result).to.be.a('number').and.not.oneOf([threadId, handle.threadId]);

      const failingTask = deploymentOf(jobId, allocationId, invokable(kValuesModule, 'failOnRecord', 9));
      await te.submitTask(failingTask, jm.getFencingToken(), kRpcTimeoutMs);
      await eventually(() => states().length === 4, 'the failing task’s states');
      expect(states()[3]).to.include({ executionId: failingTask.executionId, state: 'FAILED' });
      expect(states()[3]!.error).to.include({ name: 'InvalidRecordError', code: 'ERR_INVALID_RECORD' });

      expect(await handle.terminate()).to.be.a('number');
    });
  }
});
