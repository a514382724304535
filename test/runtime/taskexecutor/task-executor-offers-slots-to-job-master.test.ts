// The TaskExecutor's slot offers: once a job's leader is registered, the slots
// reserved for the job are offered to it; accepted slots become active, rejected
// ones go back to the ResourceManager, and only the answer to the newest offer,
// from the current leader, counts. Ports TaskExecutorTest behaviours 32–36 and 38
// of reference/flink-runtime.md §4, plus FLINK-9932 and the JobMasterId check.

import { expect } from 'chai';

import { RpcTimeoutError } from '../../../src/rpc/errors.js';
import { FlinkError } from '../../../src/runtime/flink-error.js';
import { AllocationID, JobID, JobMasterId, ResourceID } from '../../../src/runtime/types/ids.js';
import { RegistrationResponse } from '../../../src/runtime/types/registration-response.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import type { SlotOffer } from '../../../src/runtime/types/slot-offer.js';
import type { TaskManagerRegistrationInformation } from '../../../src/runtime/types/task-manager-info.js';
import type { TestingResourceManager } from '../../fixtures/testing-resource-manager.js';
import { drain, eventually } from '../../support/eventually.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import { jobMasterCalls, startJobMaster } from './job-leader-service/testing-job-leader.js';
import { ManualSlotOffers, TestingTaskExecutorBuilder } from './testing-task-executor-builder.js';

// Long enough that no real RPC timeout interferes; the tests time offers out by hand.
const kRpcTimeoutMs = 60_000;

const allocationIdsOf = (offers: readonly SlotOffer[]) => offers.map((offer) => offer.allocationId);

describe('TaskExecutor: slot offers to the JobMaster', () => {
  const service = useRpcService();
  let h: TestingTaskExecutorBuilder;
  let rm: TestingResourceManager;
  let jobId: JobID;
  beforeEach(async () => {
    h = new TestingTaskExecutorBuilder(service.rpc, { numberSlots: 2, rpcTimeoutMs: kRpcTimeoutMs });
    rm = await h.startRegistered();
    jobId = JobID.generate();
  });

  /** The slot freed in each notifySlotAvailable the ResourceManager got, as [instance, slot, allocation]. */
  const slotsMadeAvailable = () => rm.callsOf('notifySlotAvailable') as [string, SlotID, AllocationID][];
  const instanceId = () => (rm.callsOf('sendSlotReport')[0] as [string, string])[1];

  it('offers the reserved slots once the job leader is found (testJobLeaderDetection)', async () => {
    const jm = h.startJobMaster();
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId);
    await drain();
    expect(jm.calls).to.have.lengthOf(0);

    h.announceJobLeader(jobId, jm);
    await eventually(() => jm.callsOf('offerSlots').length === 1, 'the slot offer');
    const [jobOfRegistration, registration] = jm.callsOf('registerTaskManager')[0] as [
      JobID,
      TaskManagerRegistrationInformation,
    ];
    expect(jobOfRegistration).to.equal(jobId);
    expect(registration.taskManagerRpcAddress).to.equal(h.taskExecutor.getAddress());
    expect(registration.resourceId).to.equal(h.resourceId);
    const [offeredBy, offers, timeoutMs] = jm.callsOf('offerSlots')[0] as [ResourceID, SlotOffer[], number];
    expect(offeredBy).to.equal(h.resourceId);
    expect(offers).to.have.lengthOf(1);
    expect(offers[0]).to.include({ allocationId, slotIndex: 0 });
    expect(timeoutMs).to.equal(kRpcTimeoutMs);
  });

  // threadlink's own: the ResourceManager's slot request names the JobMaster and its JobMasterId.
  it('offers the reserved slots to the JobMaster the slot request names, before the job leader is announced', async () => {
    const jm = h.startJobMaster();
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId, jm.getAddress(), jm.getFencingToken());

    await eventually(() => jm.callsOf('offerSlots').length === 1, 'the slot offer');
    expect(jm.callsOf('registerTaskManager')[0]![0]).to.equal(jobId);
    expect(allocationIdsOf(jm.callsOf('offerSlots')[0]![1] as SlotOffer[])).to.deep.equal([allocationId]);
  });

  it('ignores a JobMasterId in a slot request that is not one, and waits for the job leader', async () => {
    const jm = h.startJobMaster();
    await h.requestSlot(rm, 0, jobId, AllocationID.generate(), jm.getAddress(), 42 as unknown as JobMasterId);
    await drain();
    expect(jm.calls).to.have.lengthOf(0);
    h.announceJobLeader(jobId, jm);
    await eventually(() => jm.callsOf('offerSlots').length === 1, 'the slot offer');
  });

  it('activates the accepted slots and frees the rejected ones, telling the ResourceManager (testSlotAcceptance)', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    await h.requestSlot(rm, 1, jobId, allocation2);
    h.announceJobLeader(jobId, jm);

    const offer = await offers.nth(1);
    expect(offer.allocationIds).to.have.members([allocation1, allocation2]);
    offer.accept(offer.offers.filter((o) => o.allocationId === allocation1));

    await eventually(
      () => slotsMadeAvailable().length === 1,
      'the rejected slot back at the ResourceManager',
    );
    expect(slotsMadeAvailable()[0]).to.deep.equal([instanceId(), SlotID.of(h.resourceId, 1), allocation2]);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([allocation1]);
    expect(h.allocationsOf(jobId)).to.deep.equal([allocation1]);
    // The rejected slot is free to be requested again.
    await h.requestSlot(rm, 1, jobId, allocation2);
  });

  it('fails an accepted slot at the JobMaster when it was freed in the meantime', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    const [freed, kept] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, freed);
    await h.requestSlot(rm, 1, jobId, kept);
    h.announceJobLeader(jobId, jm);
    const offer = await offers.nth(1);

    await h.gateway.freeSlot(freed, new FlinkError('freed by the ResourceManager'), kRpcTimeoutMs);
    offer.accept(offer.offers);
    await eventually(() => jm.callsOf('failSlot').length === 1, 'the failed slot');
    expect(jm.callsOf('failSlot')[0]!.slice(0, 2)).to.deep.equal([h.resourceId, freed]);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([kept]);
  });

  it('does not free a rejected slot while a newer offer is pending (testRejectedSlotNotFreedIfAnotherOfferIsPending)', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    h.announceJobLeader(jobId, jm);
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    const first = await offers.nth(1);
    await h.requestSlot(rm, 1, jobId, allocation2);
    const second = await offers.nth(2);
    expect(second.allocationIds).to.have.members([allocation1, allocation2]);

    first.accept([]);
    await drain();
    expect(h.allocationsOf(jobId)).to.have.members([allocation1, allocation2]);
    expect(slotsMadeAvailable()).to.have.lengthOf(0);

    second.accept(second.offers);
    await eventually(() => h.activeAllocationsOf(jobId).length === 2, 'both slots active');
    expect(jm.callsOf('failSlot')).to.have.lengthOf(0);
  });

  it('does not activate an accepted slot while a newer offer is pending (testAcceptedSlotNotActivatedIfAnotherOfferIsPending)', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    h.announceJobLeader(jobId, jm);
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    const first = await offers.nth(1);
    await h.requestSlot(rm, 1, jobId, allocation2);
    const second = await offers.nth(2);

    first.accept(first.offers);
    await drain();
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([]);

    second.accept([]);
    await eventually(() => h.allocationsOf(jobId).length === 0, 'both slots freed');
    expect(allocationIdsOf(second.offers)).to.have.members(slotsMadeAvailable().map(([, , a]) => a));
  });

  it('ignores the failure of an offer that a newer offer has replaced', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    h.announceJobLeader(jobId, jm);
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    const first = await offers.nth(1);
    await h.requestSlot(rm, 1, jobId, allocation2);
    const second = await offers.nth(2);

    first.fail(new FlinkError('The first offer failed.'));
    await drain();
    expect(h.allocationsOf(jobId)).to.have.members([allocation1, allocation2]);
    expect(slotsMadeAvailable()).to.have.lengthOf(0);

    second.accept(second.offers);
    await eventually(() => h.activeAllocationsOf(jobId).length === 2, 'both slots active');
    expect(offers.calls).to.have.lengthOf(2);
  });

  it('keeps the offers of different jobs apart (testSlotOfferCounterIsSeparatedByJob)', async () => {
    const jobId2 = JobID.generate();
    const offers1 = new ManualSlotOffers();
    const offers2 = new ManualSlotOffers();
    // Each JobMaster has its own ResourceID, as in Flink; the TaskExecutor keys heartbeats by it.
    const jm1 = h.startJobMaster({
      offerSlots: offers1.offerSlots,
      registerTaskManager: () => RegistrationResponse.jmtmSuccess(ResourceID.of('jm1')),
    });
    const jm2 = h.startJobMaster({
      offerSlots: offers2.offerSlots,
      registerTaskManager: () => RegistrationResponse.jmtmSuccess(ResourceID.of('jm2')),
    });
    h.announceJobLeader(jobId, jm1);
    h.announceJobLeader(jobId2, jm2);
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    const offer1 = await offers1.nth(1);
    await h.requestSlot(rm, 1, jobId2, allocation2);
    const offer2 = await offers2.nth(1);

    offer1.accept(offer1.offers);
    offer2.accept(offer2.offers);
    await eventually(
      () => h.activeAllocationsOf(jobId).length === 1 && h.activeAllocationsOf(jobId2).length === 1,
      'the slots of both jobs active',
    );
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([allocation1]);
    expect(h.activeAllocationsOf(jobId2)).to.deep.equal([allocation2]);
  });

  it('offers again when an offer times out (testOfferSlotToJobMasterAfterTimeout)', async () => {
    let calls = 0;
    const jm = h.startJobMaster({
      offerSlots: (_resourceId, offers) => {
        if (++calls === 1) throw new RpcTimeoutError('Invocation of [offerSlots] timed out.');
        return [...offers];
      },
    });
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId);
    h.announceJobLeader(jobId, jm);

    await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active after the re-offer');
    expect(jm.callsOf('offerSlots')).to.have.lengthOf(2);
    expect(allocationIdsOf(jm.callsOf('offerSlots')[1]![1] as SlotOffer[])).to.deep.equal([allocationId]);
    expect(slotsMadeAvailable()).to.have.lengthOf(0);
  });

  it('frees the offered slots when an offer fails with another error (FLINK-9932)', async () => {
    const jm = h.startJobMaster({
      offerSlots: () => {
        throw new FlinkError('The JobMaster cannot take slots now.');
      },
    });
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId);
    h.announceJobLeader(jobId, jm);

    await eventually(() => slotsMadeAvailable().length === 1, 'the slot back at the ResourceManager');
    expect(slotsMadeAvailable()[0]).to.deep.equal([instanceId(), SlotID.of(h.resourceId, 0), allocationId]);
    expect(h.allocationsOf(jobId)).to.deep.equal([]);
    await drain();
    expect(jm.callsOf('offerSlots')).to.have.lengthOf(1);
  });

  it('ignores the answer to an offer made to a leader that has since been lost (JobMasterId check)', async () => {
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    const allocationId = AllocationID.generate();
    await h.requestSlot(rm, 0, jobId, allocationId);
    h.announceJobLeader(jobId, jm);
    const offer = await offers.nth(1);

    h.announceJobLeader(jobId, null);
    await eventually(() => jm.callsOf('disconnectTaskManager').length === 1, 'the disconnect');
    // Still the newest offer of the job, but its JobMaster is no longer the job's leader.
    offer.accept(offer.offers);
    await drain();
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([]);
    expect(h.allocationsOf(jobId)).to.deep.equal([allocationId]);
  });

  it('does not offer a slot it holds for one job to the leader of another', async () => {
    const jobId2 = JobID.generate();
    const jm2 = h.startJobMaster();
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    await h.requestSlot(rm, 1, jobId2, allocation2);
    h.announceJobLeader(jobId2, jm2);

    await eventually(() => h.activeAllocationsOf(jobId2).length === 1, 'the slot of job 2 active');
    const offered = jm2.callsOf('offerSlots').flatMap(([, offers]) => allocationIdsOf(offers as SlotOffer[]));
    expect(offered).to.deep.equal([allocation2]);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([]);
  });
});

for (const path of kPaths) {
  describe(`TaskExecutor: slot offers, JobMaster ${path === 'same thread' ? 'on the same thread' : 'in a worker'}`, () => {
    const service = useRpcService();
    let h: TestingTaskExecutorBuilder;
    let rm: TestingResourceManager;
    let jobId: JobID;
    beforeEach(async () => {
      h = new TestingTaskExecutorBuilder(service.rpc, { rpcTimeoutMs: kRpcTimeoutMs });
      rm = await h.startRegistered();
      jobId = JobID.generate();
    });

    async function jobMasterAt(data: { declineOffers?: boolean } = {}) {
      const jobMasterId = JobMasterId.generate();
      const address = await startJobMaster(service.rpc, path, { jobMasterId, ...data });
      const leader = { getAddress: () => address, getFencingToken: () => jobMasterId };
      return { leader, calls: () => jobMasterCalls(service.rpc, address, jobMasterId) };
    }

    it('offers the reserved slot to the job leader, which activates it (testJobLeaderDetection)', async () => {
      const jm = await jobMasterAt();
      const allocationId = AllocationID.generate();
      await h.requestSlot(rm, 0, jobId, allocationId);
      h.announceJobLeader(jobId, jm.leader);

      await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active');
      const offerCalls = (await jm.calls()).filter((call) => call.method === 'offerSlots');
      expect(offerCalls).to.have.lengthOf(1);
      expect(allocationIdsOf(offerCalls[0]!.args[1] as SlotOffer[])).to.deep.equal([allocationId]);
      expect(rm.callsOf('notifySlotAvailable')).to.have.lengthOf(0);
    });

    it('frees the slot the job leader declines and tells the ResourceManager (testSlotAcceptance)', async () => {
      const jm = await jobMasterAt({ declineOffers: true });
      const allocationId = AllocationID.generate();
      await h.requestSlot(rm, 1, jobId, allocationId);
      h.announceJobLeader(jobId, jm.leader);

      await eventually(() => rm.callsOf('notifySlotAvailable').length === 1, 'the declined slot back');
      const [, slotId, freed] = rm.callsOf('notifySlotAvailable')[0] as [string, SlotID, AllocationID];
      expect(slotId).to.deep.equal(SlotID.of(h.resourceId, 1));
      expect(freed).to.equal(allocationId);
      expect(h.allocationsOf(jobId)).to.deep.equal([]);
    });
  });
}
