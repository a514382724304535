// How declared requirements turn into requestSlot calls, after Flink's
// DeclarativeSlotManagerTest (testRequirementDeclarationWithoutFreeSlotsTriggersWorkerAllocation,
// testResourceRequirementsAreFulfilledWhenTaskManagerRegisters,
// testSlotRequestFailure, testSlotRequestRemovedIfTMReportsAllocation,
// testFreeSlotTriggersRequirementCheck, testReducedRequirements...) and
// ResourceManagerJobMasterTest. The TaskExecutor doubles answer on the test's
// thread (with scripted answers) and, for plain acceptance, in a worker.

import { expect } from 'chai';
import { DefaultSlotManager } from '../../../src/runtime/resourcemanager/slotmanager/default-slot-manager.js';
import {
  SlotAllocationError,
  SlotOccupiedError,
} from '../../../src/runtime/gateways/task-executor-errors.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import { AllocationID, JobID, type InstanceID } from '../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import type { TaskExecutorHandlers } from '../../fixtures/testing-task-executor.js';
import { eventually } from '../../support/eventually.js';
import { kPaths, useRpcService, type Path } from '../../support/paths.js';
import {
  kTimeoutMs,
  registerJobMaster,
  registerWithSlots,
  requirementsOf,
  slotReportOf,
  startJobMaster,
  startResourceManager,
  startTaskExecutor,
  type JobMasterUnderTest,
  type ResourceManagerUnderTest,
  type TaskExecutorUnderTest,
} from './testing-resource-manager-builder.js';

const kSlotProfile = ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 256 });

interface Cluster {
  readonly rm: ResourceManagerUnderTest;
  readonly slotManager: DefaultSlotManager;
  readonly jm: JobMasterUnderTest;
  declare(slots: number): Promise<void>;
}

describe('ResourceManager: slot allocation for declared requirements', () => {
  const service = useRpcService();

  async function startCluster(slotManager = new DefaultSlotManager()): Promise<Cluster> {
    const rm = await startResourceManager(service.rpc, { slotManager });
    const jm = await startJobMaster(service.rpc, 'same thread');
    await registerJobMaster(rm, jm);
    return {
      rm,
      slotManager,
      jm,
      declare: async (slots) => {
        await rm.gateway.declareRequiredResources(jm.jobMasterId, requirementsOf(jm, slots), kTimeoutMs);
        await rm.flush();
      },
    };
  }

  /** The requestSlot calls the TaskExecutor has received, once the ResourceManager has sent all it meant to. */
  async function slotRequestsAt(
    cluster: Cluster,
    te: TaskExecutorUnderTest,
  ): Promise<(readonly unknown[])[]> {
    // Twice: a change handled in one turn runs its requirement check in the next.
    await cluster.rm.flush();
    await cluster.rm.flush();
    const calls = await te.control.recordedCalls();
    return calls.filter((call) => call.method === 'requestSlot').map((call) => call.args);
  }

  async function taskExecutorWithSlots(
    cluster: Cluster,
    path: Path,
    slots: number,
    handlers: Partial<TaskExecutorHandlers> = {},
  ): Promise<TaskExecutorUnderTest & { readonly instanceId: InstanceID }> {
    const te = await startTaskExecutor(service.rpc, path, handlers);
    const instanceId = await registerWithSlots(cluster.rm, te, slotReportOf(te.resourceId, slots));
    return { ...te, instanceId };
  }

  for (const path of kPaths) {
    describe(path, () => {
      it('requests free slots with the JobMaster address, its JobMasterId and its own ResourceManagerId, no more than missing', async () => {
        const cluster = await startCluster();
        const te = await taskExecutorWithSlots(cluster, path, 3);
        await cluster.declare(2);

        const requests = await slotRequestsAt(cluster, te);
        expect(requests).to.have.length(2);
        for (const [
          slotId,
          jobId,
          allocationId,
          profile,
          targetAddress,
          rmId,
          timeout,
          jobMasterId,
        ] of requests) {
          expect((slotId as SlotID).resourceId).to.equal(te.resourceId);
          expect(jobId).to.equal(cluster.jm.jobId);
          expect(allocationId).to.match(/^[0-9a-f]{32}$/);
          expect(profile).to.deep.equal(ResourceProfile.UNKNOWN);
          expect(targetAddress).to.equal(cluster.jm.address);
          expect(rmId).to.equal(cluster.rm.rmId);
          expect(timeout).to.equal(10_000);
          // The id the JobMaster registered and declared with, so that the TaskExecutor can register at once.
          expect(jobMasterId).to.equal(cluster.jm.jobMasterId);
        }
        const slotNumbers = requests.map(([slotId]) => (slotId as SlotID).slotNumber);
        expect(new Set(slotNumbers).size).to.equal(2);
        await eventually(() => cluster.slotManager.getNumberAllocatedSlotsOf(cluster.jm.jobId) === 2);
        expect(cluster.slotManager.getNumberPendingSlotRequests()).to.equal(0);
        expect(cluster.slotManager.getNumberMissingSlots(cluster.jm.jobId)).to.equal(0);
        expect(cluster.slotManager.getNumberFreeSlots()).to.equal(1);
      });

      it('keeps requirements that no slot can meet until a TaskExecutor registers (testResourceRequirementsAreFulfilledWhenTaskManagerRegisters)', async () => {
        const cluster = await startCluster();
        await cluster.declare(1);
        expect(cluster.slotManager.getNumberMissingSlots(cluster.jm.jobId)).to.equal(1);

        const te = await taskExecutorWithSlots(cluster, path, 1);
        const [request] = await slotRequestsAt(cluster, te);
        expect(request![1]).to.equal(cluster.jm.jobId);
        await eventually(() => cluster.slotManager.getNumberAllocatedSlotsOf(cluster.jm.jobId) === 1);
      });

      it('gives a freed slot to a job that still misses slots (testFreeSlotTriggersRequirementCheck)', async () => {
        const cluster = await startCluster();
        const te = await startTaskExecutor(service.rpc, path);
        const report = slotReportOf(te.resourceId, 1, [0]);
        const instanceId = await registerWithSlots(cluster.rm, te, report);
        await cluster.declare(1);
        expect(await slotRequestsAt(cluster, te)).to.deep.equal([]);

        const held = report.slots[0]!;
        cluster.rm.gateway.notifySlotAvailable(instanceId, held.slotId, held.allocationId!);
        const [request] = await slotRequestsAt(cluster, te);
        expect(request![0]).to.deep.equal(held.slotId);
        expect(request![1]).to.equal(cluster.jm.jobId);
      });

      it('asks again for the slots a job lost with its TaskExecutor', async () => {
        const cluster = await startCluster();
        const first = await taskExecutorWithSlots(cluster, path, 1);
        await cluster.declare(1);
        await eventually(() => cluster.slotManager.getNumberAllocatedSlotsOf(cluster.jm.jobId) === 1);
        const second = await taskExecutorWithSlots(cluster, path, 1);
        expect(await slotRequestsAt(cluster, second)).to.deep.equal([]);

        cluster.rm.gateway.disconnectTaskManager(first.resourceId, new Error('gone'));
        const [request] = await slotRequestsAt(cluster, second);
        expect(request![1]).to.equal(cluster.jm.jobId);
      });
    });
  }

  it('requests nothing more when the requirements are lowered, and forgets them at zero (testReducedRequirements)', async () => {
    const cluster = await startCluster();
    const te = await taskExecutorWithSlots(cluster, 'same thread', 4);
    await cluster.declare(2);
    expect(await slotRequestsAt(cluster, te)).to.have.length(2);
    await cluster.declare(1);
    await cluster.declare(0);
    expect(await slotRequestsAt(cluster, te)).to.have.length(2);
    expect(cluster.slotManager.getNumberRequiredSlots(cluster.jm.jobId)).to.equal(0);
  });

  it('never requests a slot twice while its request is pending, even if a report calls it free', async () => {
    const cluster = await startCluster();
    const answers: (() => void)[] = [];
    const te = await taskExecutorWithSlots(cluster, 'same thread', 2, {
      requestSlot: () => new Promise((resolve) => answers.push(() => resolve(Acknowledge))),
    });
    await cluster.declare(1);
    expect(await slotRequestsAt(cluster, te)).to.have.length(1);
    expect(cluster.slotManager.getNumberPendingSlotRequests(cluster.jm.jobId)).to.equal(1);

    // A slot report taken before the request arrived: both slots free.
    await cluster.rm.gateway.sendSlotReport(
      te.resourceId,
      te.instanceId,
      slotReportOf(te.resourceId, 2),
      kTimeoutMs,
    );
    await cluster.declare(1);
    expect(await slotRequestsAt(cluster, te)).to.have.length(1);
    await cluster.declare(2);
    const requests = await slotRequestsAt(cluster, te);
    expect(requests.map(([slotId]) => (slotId as SlotID).slotNumber)).to.have.members([0, 1]);

    for (const answer of answers) answer();
    await eventually(() => cluster.slotManager.getNumberAllocatedSlotsOf(cluster.jm.jobId) === 2);
  });

  it('frees the slot of a failed request and asks another TaskExecutor (testSlotRequestFailure)', async () => {
    const cluster = await startCluster();
    let refusals = 0;
    const refusing = await taskExecutorWithSlots(cluster, 'same thread', 2, {
      requestSlot: () =>
        ++refusals > 10
          ? new Promise(() => {})
          : Promise.reject(new SlotAllocationError('Could not allocate slot.')),
    });
    const accepting = await taskExecutorWithSlots(cluster, 'same thread', 1);
    await cluster.declare(1);

    await eventually(() => cluster.slotManager.getNumberAllocatedSlotsOf(cluster.jm.jobId) === 1);
    expect(await slotRequestsAt(cluster, refusing)).to.have.length(1);
    expect(await slotRequestsAt(cluster, accepting)).to.have.length(1);
    expect(cluster.slotManager.getNumberFreeSlotsOf(refusing.instanceId)).to.equal(2);
  });

  it('leaves a TaskExecutor that refuses every request alone for a doubling delay, not in a tight loop', async () => {
    // Delays well inside the heartbeat timeout (50), which this TaskExecutor does not answer.
    const cluster = await startCluster(new DefaultSlotManager({ slotRequestRetryDelayMs: 5 }));
    let refusals = 0;
    const te = await taskExecutorWithSlots(cluster, 'same thread', 2, {
      // Bounded, so that a tight loop shows up as a failed count rather than a hung test.
      requestSlot: () =>
        ++refusals > 10
          ? new Promise(() => {})
          : Promise.reject(new SlotAllocationError('Could not allocate slot.')),
    });
    const answered = async (requests: number) => {
      expect(await slotRequestsAt(cluster, te)).to.have.length(requests);
      await eventually(() => cluster.slotManager.getNumberPendingSlotRequests() === 0, 'the refusal');
      await cluster.rm.flush();
    };
    await cluster.declare(1);
    await answered(1);
    await cluster.rm.tick(4);
    expect(await slotRequestsAt(cluster, te)).to.have.length(1);
    await cluster.rm.tick(1);
    await answered(2);
    await cluster.rm.tick(9);
    expect(await slotRequestsAt(cluster, te)).to.have.length(2);
    await cluster.rm.tick(1);
    await answered(3);
    expect(cluster.slotManager.getNumberMissingSlots(cluster.jm.jobId)).to.equal(1);
  });

  it('takes the allocation a SlotOccupiedError names and asks for another slot', async () => {
    const cluster = await startCluster();
    const otherJob = JobID.generate();
    const otherAllocation = AllocationID.generate();
    const te = await taskExecutorWithSlots(cluster, 'same thread', 2, {
      requestSlot: (slotId) =>
        slotId.slotNumber === 0
          ? Promise.reject(new SlotOccupiedError('Slot 0 is taken.', otherAllocation, otherJob))
          : Promise.resolve(Acknowledge),
    });
    await cluster.declare(1);

    await eventually(() => cluster.slotManager.getNumberAllocatedSlotsOf(cluster.jm.jobId) === 1);
    expect(cluster.slotManager.getNumberAllocatedSlotsOf(otherJob)).to.equal(1);
    const requests = await slotRequestsAt(cluster, te);
    expect(requests.map(([slotId]) => (slotId as SlotID).slotNumber)).to.deep.equal([0, 1]);
    // Taken, not refused: the other slot was asked for at once, with no time passing.
  });

  it('matches slots to the profile a job requires', async () => {
    const cluster = await startCluster();
    const te = await taskExecutorWithSlots(cluster, 'same thread', 2);
    const tooLarge = ResourceProfile.of({ cpuCores: 2, taskHeapMemoryMB: 256 });
    await cluster.rm.gateway.declareRequiredResources(
      cluster.jm.jobMasterId,
      requirementsOf(cluster.jm, 1, tooLarge),
      kTimeoutMs,
    );
    expect(await slotRequestsAt(cluster, te)).to.deep.equal([]);
    await cluster.rm.gateway.declareRequiredResources(
      cluster.jm.jobMasterId,
      requirementsOf(cluster.jm, 1, kSlotProfile),
      kTimeoutMs,
    );
    const [request] = await slotRequestsAt(cluster, te);
    expect(request![3]).to.deep.equal(kSlotProfile);
  });

  it('drops the requirements of a JobMaster that disconnects, and frees its inactive slots', async () => {
    const cluster = await startCluster();
    const te = await taskExecutorWithSlots(cluster, 'same thread', 2);
    await cluster.declare(2);
    await eventually(() => cluster.slotManager.getNumberAllocatedSlotsOf(cluster.jm.jobId) === 2);

    cluster.rm.gateway.disconnectJobManager(cluster.jm.jobId, 'FINISHED', new Error('job finished'));
    await cluster.rm.flush();
    expect(cluster.slotManager.getNumberRequiredSlots(cluster.jm.jobId)).to.equal(0);
    const [freeInactive] = await te.control.awaitCalls('freeInactiveSlots', 1);
    expect(freeInactive!.args[0]).to.equal(cluster.jm.jobId);
    // It left by itself: it is not told.
    expect(await cluster.jm.callsOf('disconnectResourceManager')).to.deep.equal([]);

    const late = await taskExecutorWithSlots(cluster, 'same thread', 1);
    expect(await slotRequestsAt(cluster, late)).to.deep.equal([]);
  });
});
