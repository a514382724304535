// The DefaultSlotManager's requirement checks and slot requests on their own,
// after Flink's DeclarativeSlotManagerTest and DefaultSlotTrackerTest
// (testSlotRequestRemovedIfTMReportsAllocation, testReportAllocatedSlot,
// testFreeSlotsIsIgnoredIfSlotIsPending...) and JobScopedResourceTrackerTest.
// The TaskExecutor gateway is a plain object and the main thread is a
// ManualExecutor, so every step is driven by the test.

import { expect } from 'chai';
import { SlotManagerClosedError } from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { DefaultSlotManager } from '../../../src/runtime/resourcemanager/slotmanager/default-slot-manager.js';
import { missingResources } from '../../../src/runtime/resourcemanager/slotmanager/resource-tracker.js';
import type { TaskExecutorConnection } from '../../../src/runtime/resourcemanager/slotmanager/slot-manager.js';
import type { TaskExecutorGateway } from '../../../src/runtime/gateways/task-executor-gateway.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import {
  AllocationID,
  InstanceID,
  JobID,
  ResourceID,
  ResourceManagerId,
} from '../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { ResourceRequirements } from '../../../src/runtime/types/resource-requirements.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import type { SlotReport } from '../../../src/runtime/types/slot-report.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { slotReportOf } from './testing-resource-manager-builder.js';

const kProfile = ResourceProfile.of({ cpuCores: 1, taskHeapMemoryMB: 256 });
const kTargetAddress = 'node://flink@main/user/rpc/jobmaster';

interface SlotRequest {
  readonly slotId: SlotID;
  readonly jobId: JobID;
  readonly allocationId: AllocationID;
  answer(outcome: 'ack' | Error): void;
}

/** A TaskExecutor whose slot requests wait until the test answers them. */
function taskExecutor(): TaskExecutorConnection & { readonly requests: SlotRequest[]; freed: JobID[] } {
  const requests: SlotRequest[] = [];
  const freed: JobID[] = [];
  const gateway = {
    requestSlot: (slotId: SlotID, jobId: JobID, allocationId: AllocationID) =>
      new Promise<Acknowledge>((resolve, reject) =>
        requests.push({
          slotId,
          jobId,
          allocationId,
          answer: (outcome) => (outcome === 'ack' ? resolve(Acknowledge) : reject(outcome)),
        }),
      ),
    freeInactiveSlots: (jobId: JobID) => freed.push(jobId),
  } as unknown as TaskExecutorGateway;
  return { instanceId: InstanceID.generate(), resourceId: ResourceID.generate(), gateway, requests, freed };
}

function requirements(jobId: JobID, slots: number, profile = ResourceProfile.UNKNOWN): ResourceRequirements {
  return ResourceRequirements.create(jobId, kTargetAddress, [
    { resourceProfile: profile, numberOfRequiredSlots: slots },
  ]);
}

describe('DefaultSlotManager: requirements and slot requests', () => {
  let manual: ManualExecutor;
  let slotManager: DefaultSlotManager;
  const jobId = JobID.generate();

  /** Lets answered requests come back and runs what the main thread has queued. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      manual.triggerAll();
    }
  }

  function register(te: TaskExecutorConnection, report: SlotReport) {
    return slotManager.registerTaskManager(te, report, ResourceProfile.multiply(kProfile, 2), kProfile);
  }

  beforeEach(() => {
    manual = new ManualExecutor();
    slotManager = new DefaultSlotManager();
  });

  afterEach(() => slotManager.close());

  it('requests nothing before it is started, and what is missing once it is', async () => {
    const te = taskExecutor();
    register(te, slotReportOf(te.resourceId, 2));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    await settle();
    expect(te.requests).to.have.length(0);

    slotManager.start(ResourceManagerId.generate(), manual);
    await settle();
    expect(te.requests).to.have.length(1);
  });

  it('runs one check for many changes in the same turn', async () => {
    slotManager.start(ResourceManagerId.generate(), manual);
    const te = taskExecutor();
    register(te, slotReportOf(te.resourceId, 2));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 2));
    expect(manual.pendingCount).to.equal(1);
    await settle();
    expect(te.requests).to.have.length(2);
  });

  it('keeps a pending slot pending when a report calls it free (testFreeSlotsIsIgnoredIfSlotIsPending)', async () => {
    slotManager.start(ResourceManagerId.generate(), manual);
    const te = taskExecutor();
    register(te, slotReportOf(te.resourceId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    await settle();
    slotManager.reportSlotStatus(te.instanceId, slotReportOf(te.resourceId, 1));
    await settle();
    expect(slotManager.getNumberPendingSlotRequests(jobId)).to.equal(1);
    expect(slotManager.getNumberFreeSlots()).to.equal(0);

    te.requests[0]!.answer('ack');
    await settle();
    expect(slotManager.getNumberAllocatedSlotsOf(jobId)).to.equal(1);
    expect(te.requests).to.have.length(1);
  });

  it('takes a reported allocation over its pending request and ignores the late answer (testSlotRequestRemovedIfTMReportsAllocation)', async () => {
    slotManager.start(ResourceManagerId.generate(), manual);
    const te = taskExecutor();
    register(te, slotReportOf(te.resourceId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    await settle();
    const otherJob = JobID.generate();
    const reported = AllocationID.generate();
    slotManager.reportSlotStatus(te.instanceId, {
      slots: [
        {
          slotId: SlotID.of(te.resourceId, 0),
          resourceProfile: kProfile,
          allocationId: reported,
          jobId: otherJob,
        },
      ],
    });
    await settle();
    te.requests[0]!.answer(new Error('too late'));
    await settle();

    expect(slotManager.getNumberAllocatedSlotsOf(otherJob)).to.equal(1);
    expect(slotManager.getNumberPendingSlotRequests()).to.equal(0);
    expect(slotManager.getNumberMissingSlots(jobId)).to.equal(1);
    // The slot is held by the reported allocation: only that one frees it.
    expect(slotManager.freeSlot(SlotID.of(te.resourceId, 0), te.requests[0]!.allocationId)).to.equal(false);
    expect(slotManager.freeSlot(SlotID.of(te.resourceId, 0), reported)).to.equal(true);
  });

  it('completes a pending request when the report shows its own allocation', async () => {
    slotManager.start(ResourceManagerId.generate(), manual);
    const te = taskExecutor();
    register(te, slotReportOf(te.resourceId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    await settle();
    const [request] = te.requests;
    slotManager.reportSlotStatus(te.instanceId, {
      slots: [
        { slotId: request!.slotId, resourceProfile: kProfile, allocationId: request!.allocationId, jobId },
      ],
    });
    expect(slotManager.getNumberAllocatedSlotsOf(jobId)).to.equal(1);
    expect(slotManager.getNumberPendingSlotRequests()).to.equal(0);
  });

  it('asks for slots elsewhere when a TaskExecutor with the job slots is unregistered', async () => {
    slotManager.start(ResourceManagerId.generate(), manual);
    const first = taskExecutor();
    register(first, slotReportOf(first.resourceId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    await settle();
    first.requests[0]!.answer('ack');
    await settle();
    const second = taskExecutor();
    register(second, slotReportOf(second.resourceId, 1));
    await settle();
    expect(second.requests).to.have.length(0);

    slotManager.unregisterTaskManager(first.instanceId, new Error('gone'));
    await settle();
    expect(second.requests).to.have.length(1);
    // The answer for an instance that is gone changes nothing.
    first.requests[0]!.answer('ack');
    await settle();
    expect(slotManager.getNumberPendingSlotRequests(jobId)).to.equal(1);
  });

  it('doubles the pause of a TaskExecutor that keeps refusing, up to the maximum, and resets it on success', async () => {
    slotManager = new DefaultSlotManager({ slotRequestRetryDelayMs: 10, maxSlotRequestRetryDelayMs: 25 });
    slotManager.start(ResourceManagerId.generate(), manual);
    const te = taskExecutor();
    register(te, slotReportOf(te.resourceId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    const delays: number[] = [];
    for (let failures = 1; failures <= 3; failures++) {
      await settle();
      te.requests.at(-1)!.answer(new Error('refused'));
      await settle();
      delays.push(...manual.pendingDelays());
      manual.advance(manual.pendingDelays()[0]!);
    }
    expect(delays).to.deep.equal([10, 20, 25]);
    await settle();
    te.requests.at(-1)!.answer('ack');
    await settle();
    slotManager.freeSlot(te.requests.at(-1)!.slotId, te.requests.at(-1)!.allocationId);
    await settle();
    te.requests.at(-1)!.answer(new Error('refused'));
    await settle();
    expect(manual.pendingDelays()).to.deep.equal([10]);
  });

  it('asks the TaskExecutors holding slots of a cleared job to free the inactive ones', async () => {
    slotManager.start(ResourceManagerId.generate(), manual);
    const holding = taskExecutor();
    const idle = taskExecutor();
    register(holding, slotReportOf(holding.resourceId, 1));
    register(idle, slotReportOf(idle.resourceId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    await settle();
    holding.requests[0]!.answer('ack');
    await settle();

    slotManager.clearResourceRequirements(jobId);
    expect(holding.freed).to.deep.equal([jobId]);
    expect(idle.freed).to.deep.equal([]);
    expect(slotManager.getNumberRequiredSlots(jobId)).to.equal(0);
  });

  it('refuses a negative number of slots and requirements after close', () => {
    expect(() => slotManager.processResourceRequirements(requirements(jobId, -1))).to.throw(RangeError);
    slotManager.close();
    expect(() => slotManager.processResourceRequirements(requirements(jobId, 1))).to.throw(
      SlotManagerClosedError,
    );
  });

  it('cancels the pause timers when it closes', async () => {
    slotManager.start(ResourceManagerId.generate(), manual);
    const te = taskExecutor();
    register(te, slotReportOf(te.resourceId, 1));
    slotManager.processResourceRequirements(requirements(jobId, 1));
    await settle();
    te.requests[0]!.answer(new Error('refused'));
    await settle();
    expect(manual.pendingCount).to.equal(1);
    slotManager.close();
    expect(manual.pendingCount).to.equal(0);
  });
});

describe('missingResources (JobScopedResourceTracker)', () => {
  const small = ResourceProfile.of({ cpuCores: 1 });
  const large = ResourceProfile.of({ cpuCores: 2 });

  it('counts each acquired slot towards one matching requirement', () => {
    expect(
      missingResources(
        [
          { resourceProfile: small, numberOfRequiredSlots: 2 },
          { resourceProfile: large, numberOfRequiredSlots: 1 },
        ],
        [small, large, large],
      ),
    ).to.deep.equal([{ resourceProfile: small, numberOfRequiredSlots: 1 }]);
  });

  it('lets specific requirements take their slots before UNKNOWN ones', () => {
    expect(
      missingResources(
        [
          { resourceProfile: ResourceProfile.UNKNOWN, numberOfRequiredSlots: 1 },
          { resourceProfile: small, numberOfRequiredSlots: 1 },
        ],
        [small],
      ),
    ).to.deep.equal([{ resourceProfile: ResourceProfile.UNKNOWN, numberOfRequiredSlots: 1 }]);
  });
});
