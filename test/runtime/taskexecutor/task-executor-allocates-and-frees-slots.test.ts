// The TaskExecutor's slots from request to release: who may hold a slot, when a
// reserved slot goes back to the ResourceManager (freed, timed out, declined,
// inactive at the ResourceManager's request), and that the job is forgotten with
// its last slot. Ports TaskExecutorTest behaviours 39–41, 44 and 46 of
// reference/flink-runtime.md §4, plus the slot-occupied, duplicate-request and
// slot-timeout rules of requestSlot.

import { expect } from 'chai';

import { FlinkError } from '../../../src/runtime/flink-error.js';
import {
  SlotAllocationError,
  SlotOccupiedError,
} from '../../../src/runtime/gateways/task-executor-errors.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import type { TaskExecutorHeartbeatPayload } from '../../../src/runtime/types/heartbeat-payloads.js';
import { AllocationID, JobID, JobMasterId } from '../../../src/runtime/types/ids.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import type { TestingResourceManager } from '../../fixtures/testing-resource-manager.js';
import { drain, eventually } from '../../support/eventually.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import { jobMasterCalls, startJobMaster } from './job-leader-service/testing-job-leader.js';
import {
  kHeartbeatTimeout,
  ManualSlotOffers,
  TestingTaskExecutorBuilder,
} from './testing-task-executor-builder.js';

const kRpcTimeoutMs = 60_000;
// Below the heartbeat timeout, so a slot times out while the ResourceManager connection still stands.
const kSlotTimeoutMs = kHeartbeatTimeout - 1000;

describe('TaskExecutor: allocating and freeing slots', () => {
  const service = useRpcService();
  let h: TestingTaskExecutorBuilder;
  let rm: TestingResourceManager;
  let jobId: JobID;
  beforeEach(async () => {
    h = new TestingTaskExecutorBuilder(service.rpc, {
      numberSlots: 2,
      rpcTimeoutMs: kRpcTimeoutMs,
      slotTimeoutMs: kSlotTimeoutMs,
    });
    rm = await h.startRegistered();
    jobId = JobID.generate();
  });

  const slotsMadeAvailable = () => rm.callsOf('notifySlotAvailable') as [string, SlotID, AllocationID][];
  const instanceId = () => (rm.callsOf('sendSlotReport')[0] as [string, string])[1];
  const rejectionOf = (request: Promise<unknown>) =>
    request.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('refuses a slot held by another allocation with SlotOccupiedError', async () => {
    const jobId2 = JobID.generate();
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);

    const error = await rejectionOf(h.requestSlot(rm, 0, jobId2, allocation2));
    expect(error).to.be.instanceOf(SlotOccupiedError);
    expect((error as SlotOccupiedError).code).to.equal('ERR_SLOT_OCCUPIED');
    expect((error as SlotOccupiedError).allocationId).to.equal(allocation1);
    expect((error as SlotOccupiedError).jobId).to.equal(jobId);
    expect(h.allocationsOf(jobId)).to.deep.equal([allocation1]);
    expect(h.allocationsOf(jobId2)).to.deep.equal([]);
    // The refused job is not followed.
    expect(h.jobLeader(jobId2).started).to.equal(false);
  });

  it('acknowledges a repeated request for the same allocation without change', async () => {
    const allocationId = AllocationID.generate();
    expect(await h.requestSlot(rm, 0, jobId, allocationId)).to.deep.equal(Acknowledge);
    expect(await h.requestSlot(rm, 0, jobId, allocationId)).to.deep.equal(Acknowledge);
    expect(h.allocationsOf(jobId)).to.deep.equal([allocationId]);
    // The same allocation cannot take a second slot.
    expect(await rejectionOf(h.requestSlot(rm, 1, jobId, allocationId))).to.be.instanceOf(
      SlotAllocationError,
    );
    expect(h.allocationsOf(jobId)).to.deep.equal([allocationId]);
  });

  it('frees an allocated slot that no JobMaster activates once the slot timeout passes', async () => {
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId);
    h.manual.advance(kSlotTimeoutMs - 1);
    await drain();
    expect(slotsMadeAvailable()).to.have.lengthOf(0);

    h.manual.advance(1);
    await eventually(() => slotsMadeAvailable().length === 1, 'the timed-out slot back');
    expect(slotsMadeAvailable()[0]).to.deep.equal([instanceId(), SlotID.of(h.resourceId, 0), allocationId]);
    expect(h.allocationsOf(jobId)).to.deep.equal([]);
    expect(h.jobLeader(jobId).stopped).to.equal(true);
  });

  it('does not time out a slot its JobMaster has activated', async () => {
    const jm = h.startJobMaster();
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId);
    h.announceJobLeader(jobId, jm);
    await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active');

    h.manual.advance(kSlotTimeoutMs);
    await drain();
    expect(slotsMadeAvailable()).to.have.lengthOf(0);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([allocationId]);
  });

  it('frees a slot whose offer is still pending (testFreeingInactiveSlotDoesNotFail)', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    h.announceJobLeader(jobId, jm);
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId);
    await offers.nth(1);

    const ack = await h.gateway.freeSlot(allocationId, new FlinkError('test exception'), kRpcTimeoutMs);
    expect(ack).to.deep.equal(Acknowledge);
    await eventually(() => slotsMadeAvailable().length === 1, 'the freed slot back');
    expect(slotsMadeAvailable()[0]![2]).to.equal(allocationId);
    expect(h.allocationsOf(jobId)).to.deep.equal([]);
  });

  it('acknowledges freeing an allocation it does not know, and tells no one', async () => {
    const ack = await h.gateway.freeSlot(AllocationID.generate(), new FlinkError('unknown'), kRpcTimeoutMs);
    expect(ack).to.deep.equal(Acknowledge);
    await drain();
    expect(slotsMadeAvailable()).to.have.lengthOf(0);
  });

  it('frees only the inactive slots of the job on freeInactiveSlots (testReleaseInactiveSlots)', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    h.announceJobLeader(jobId, jm);
    const [active, inactive] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, active);
    const first = await offers.nth(1);
    first.accept(first.offers);
    await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'slot 0 active');
    await h.requestSlot(rm, 1, jobId, inactive);
    await offers.nth(2); // never answered

    h.gateway.freeInactiveSlots(jobId, kRpcTimeoutMs);
    await eventually(() => slotsMadeAvailable().length === 1, 'the inactive slot back');
    expect(slotsMadeAvailable()[0]).to.deep.equal([instanceId(), SlotID.of(h.resourceId, 1), inactive]);
    expect(h.allocationsOf(jobId)).to.deep.equal([active]);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([active]);
  });

  it('stops following the job when its last slot is freed (testRemoveJobFromJobLeaderService)', async () => {
    const jm = h.startJobMaster();
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    await h.requestSlot(rm, 1, jobId, allocation2);
    h.announceJobLeader(jobId, jm);
    await eventually(() => h.activeAllocationsOf(jobId).length === 2, 'both slots active');
    expect(h.jobLeader(jobId).started).to.equal(true);

    await h.gateway.freeSlot(allocation1, new FlinkError('done with it'), kRpcTimeoutMs);
    await drain();
    expect(h.jobLeader(jobId).stopped).to.equal(false);
    expect(jm.callsOf('disconnectTaskManager')).to.have.lengthOf(0);

    await h.gateway.freeSlot(allocation2, new FlinkError('done with it'), kRpcTimeoutMs);
    expect(h.jobLeader(jobId).stopped).to.equal(true);
    await eventually(() => jm.callsOf('disconnectTaskManager').length === 1, 'the disconnect');
    expect(jm.callsOf('disconnectTaskManager')[0]![0]).to.equal(h.resourceId);
  });

  it('reports a requested slot in the very next heartbeat, and a freed one as free (testSlotReportDoesNotContainStaleInformation)', async () => {
    const allocationId = AllocationID.generate();
    const slot0 = () => {
      const calls = rm.callsOf('heartbeatFromTaskManager');
      const [, payload] = calls[calls.length - 1] as [string, TaskExecutorHeartbeatPayload];
      return payload.slotReport.slots.find((status) => status.slotId.slotNumber === 0);
    };
    await h.gateway.heartbeatFromResourceManager(rm.resourceId);
    await eventually(() => rm.callsOf('heartbeatFromTaskManager').length === 1);
    expect(slot0()?.allocationId).to.equal(undefined);

    // Sent back to back: the heartbeat after the request must see the allocation.
    const request = h.requestSlot(rm, 0, jobId, allocationId);
    const heartbeat = h.gateway.heartbeatFromResourceManager(rm.resourceId);
    await Promise.all([request, heartbeat]);
    await eventually(() => rm.callsOf('heartbeatFromTaskManager').length === 2);
    expect(slot0()?.allocationId).to.equal(allocationId);
    expect(slot0()?.jobId).to.equal(jobId);

    const free = h.gateway.freeSlot(allocationId, new FlinkError('done'), kRpcTimeoutMs);
    const next = h.gateway.heartbeatFromResourceManager(rm.resourceId);
    await Promise.all([free, next]);
    await eventually(() => rm.callsOf('heartbeatFromTaskManager').length === 3);
    expect(slot0()?.allocationId).to.equal(undefined);
  });
});

for (const path of kPaths) {
  describe(`TaskExecutor: a JobMaster ${path === 'same thread' ? 'on the same thread' : 'in a worker'} rejects the registration`, () => {
    const service = useRpcService();

    it('frees the job’s slot and stops following the job (testReleaseOfJobResourcesIfJobMasterIsNotCorrect)', async () => {
      const h = new TestingTaskExecutorBuilder(service.rpc, { rpcTimeoutMs: kRpcTimeoutMs });
      const rm = await h.startRegistered();
      const jobId = JobID.generate();
      const jobMasterId = JobMasterId.generate();
      const address = await startJobMaster(service.rpc, path, {
        jobMasterId,
        rejectRegistration: 'wrong job',
      });
      const allocationId = AllocationID.generate();
      await h.requestSlot(rm, 1, jobId, allocationId);
      h.announceJobLeader(jobId, { getAddress: () => address, getFencingToken: () => jobMasterId });

      await eventually(() => rm.callsOf('notifySlotAvailable').length === 1, 'the slot back');
      expect(rm.callsOf('notifySlotAvailable')[0]![2]).to.equal(allocationId);
      expect(h.jobLeader(jobId).stopped).to.equal(true);
      const calls = await jobMasterCalls(service.rpc, address, jobMasterId);
      expect(calls.map((call) => call.method)).to.deep.equal(['registerTaskManager']);
      expect(h.fatalErrors).to.have.lengthOf(0);
    });
  });
}
