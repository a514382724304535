// Ports the behaviours of Flink's DefaultDeclarativeSlotPoolTest that threadlink's
// SlotPool keeps: offers count only from registered TaskExecutors and only up to
// what the job needs, a duplicate offer is accepted again, releasing a
// TaskExecutor removes its slots, and only surplus idle slots are returned.
// Also threadlink's own queueing: a slot whose tasks proved short takes more
// than one execution.

import { expect } from 'chai';

import {
  kDefaultExecutionsPerSlot,
  kShortTaskMs,
  slotCapacity,
  SlotPool,
} from '../../../src/runtime/jobmaster/slot-pool.js';
import type { TaskExecutorGateway } from '../../../src/runtime/gateways/task-executor-gateway.js';
import { ExecutionAttemptID, JobID, ResourceID } from '../../../src/runtime/types/ids.js';
import { slotOffers } from './testing-job-master-builder.js';

// The pool only hands the gateway back with the slot; it never calls it.
const gateway = {} as TaskExecutorGateway;
const te1 = ResourceID.of('te-1');
const te2 = ResourceID.of('te-2');
const execution = (name: string) => ExecutionAttemptID.of(name);

describe('SlotPool', () => {
  let pool: SlotPool;
  beforeEach(() => {
    pool = new SlotPool();
    pool.registerTaskManager(te1);
  });

  it('accepts the offers of a registered TaskExecutor (testOfferSlots)', () => {
    const offers = slotOffers(2);

    expect(pool.offerSlots(te1, gateway, offers, 2)).to.deep.equal(offers);

    expect(pool.size).to.equal(2);
    expect(pool.numberOfIdleSlots).to.equal(2);
    expect(pool.getSlot(offers[0]!.allocationId)).to.include({ resourceId: te1, slotIndex: 0, gateway });
  });

  it('rejects the offers of a TaskExecutor that is not registered', () => {
    expect(pool.offerSlots(te2, gateway, slotOffers(1), 5)).to.deep.equal([]);
    expect(pool.size).to.equal(0);
  });

  it('rejects offers beyond what the job needs (testOfferingTooManySlots)', () => {
    const offers = slotOffers(3);

    expect(pool.offerSlots(te1, gateway, offers, 2)).to.deep.equal(offers.slice(0, 2));
    expect(pool.size).to.equal(2);
  });

  it('accepts a slot it holds again without holding it twice (testDuplicateSlotOfferings)', () => {
    const offers = slotOffers(2);
    pool.offerSlots(te1, gateway, offers, 2);

    expect(pool.offerSlots(te1, gateway, offers, 2)).to.deep.equal(offers);

    expect(pool.size).to.equal(2);
    expect(pool.numberOfIdleSlots).to.equal(2);
  });

  it('does not accept a held slot from another TaskExecutor', () => {
    pool.registerTaskManager(te2);
    const offers = slotOffers(1);
    pool.offerSlots(te1, gateway, offers, 2);

    expect(pool.offerSlots(te2, gateway, offers, 2)).to.deep.equal([]);
    expect(pool.getSlot(offers[0]!.allocationId)?.resourceId).to.equal(te1);
  });

  it('hands out the oldest free slot, and a slot back only for the execution that holds it', () => {
    const offers = slotOffers(2);
    pool.offerSlots(te1, gateway, offers, 2);

    const first = pool.assignFreeSlot(execution('a'));
    const second = pool.assignFreeSlot(execution('b'));
    expect([first?.allocationId, second?.allocationId]).to.deep.equal(offers.map((o) => o.allocationId));
    expect(pool.assignFreeSlot(execution('c'))).to.equal(undefined);

    pool.releaseAssignment(first!.allocationId, execution('b'));
    expect(pool.numberOfIdleSlots).to.equal(0);
    pool.releaseAssignment(first!.allocationId, execution('a'));
    expect(pool.numberOfIdleSlots).to.equal(1);
    expect(pool.assignFreeSlot(execution('c'))?.allocationId).to.equal(first!.allocationId);
  });

  it('removes the slots of a released TaskExecutor and returns them with their executions (testReleaseSlotsRemovesSlots)', () => {
    pool.registerTaskManager(te2);
    const [offer1, offer2] = slotOffers(2);
    pool.offerSlots(te1, gateway, [offer1!], 3);
    pool.offerSlots(te2, gateway, [offer2!], 3);
    pool.assignFreeSlot(execution('a'));

    const released = pool.releaseTaskManager(te1);

    expect(released.map((slot) => [slot.allocationId, [...slot.executionIds]])).to.deep.equal([
      [offer1!.allocationId, [execution('a')]],
    ]);
    expect(pool.isTaskManagerRegistered(te1)).to.equal(false);
    expect(pool.size).to.equal(1);
    expect(pool.getRegisteredTaskManagers()).to.deep.equal([te2]);
    expect(pool.offerSlots(te1, gateway, slotOffers(1), 3)).to.deep.equal([]);
  });

  it('removes a single slot, which is then no longer handed out', () => {
    const [offer1, offer2] = slotOffers(2);
    pool.offerSlots(te1, gateway, [offer1!, offer2!], 2);

    expect(pool.removeSlot(offer1!.allocationId)?.allocationId).to.equal(offer1!.allocationId);

    expect(pool.slotsOf(te1)).to.equal(1);
    expect(pool.assignFreeSlot(execution('a'))?.allocationId).to.equal(offer2!.allocationId);
    expect(pool.removeSlot(offer1!.allocationId)).to.equal(undefined);
  });

  it('returns only surplus idle slots and keeps the busy ones (testOnlyReturnExcessIdleSlots)', () => {
    const offers = slotOffers(3);
    pool.offerSlots(te1, gateway, offers, 3);
    const busy = pool.assignFreeSlot(execution('a'))!;

    const removed = pool.trimFreeSlots(1);

    expect(removed.map((slot) => slot.allocationId)).to.deep.equal([
      offers[1]!.allocationId,
      offers[2]!.allocationId,
    ]);
    expect(pool.getAllSlots().map((slot) => slot.allocationId)).to.deep.equal([busy.allocationId]);
    expect(pool.trimFreeSlots(0)).to.deep.equal([]);
  });

  it('reports the slots it holds on one TaskExecutor', () => {
    pool.registerTaskManager(te2);
    const [offer1, offer2] = slotOffers(2, 4);
    pool.offerSlots(te1, gateway, [offer1!], 2);
    pool.offerSlots(te2, gateway, [offer2!], 2);
    const jobId = JobID.generate();

    expect(pool.createAllocatedSlotReport(jobId, te1)).to.deep.equal({
      jobId,
      allocatedSlotInfos: [{ slotIndex: 4, allocationId: offer1!.allocationId }],
    });
    expect(pool.createAllocatedSlotReport(jobId, ResourceID.of('unknown')).allocatedSlotInfos).to.deep.equal(
      [],
    );
  });

  it('queues behind a running execution only in a slot whose tasks proved short, and only when allowed', () => {
    const [offer] = slotOffers(1);
    pool.offerSlots(te1, gateway, [offer!], 1);
    pool.assignFreeSlot(execution('a'));
    expect(pool.hasRoom(true)).to.equal(false);

    pool.releaseAssignment(offer!.allocationId, execution('a'), kShortTaskMs - 1);
    pool.assignFreeSlot(execution('b'));

    expect(pool.hasRoom(false)).to.equal(false);
    expect(pool.hasRoom(true)).to.equal(true);
    expect(pool.assignFreeSlot(execution('c'))).to.equal(undefined);
    expect(pool.assignFreeSlot(execution('c'), true)?.allocationId).to.equal(offer!.allocationId);
    expect([...pool.getSlot(offer!.allocationId)!.executionIds]).to.deep.equal([
      execution('b'),
      execution('c'),
    ]);
  });

  it('takes at most executionsPerSlot executions into one slot', () => {
    pool = new SlotPool(2);
    pool.registerTaskManager(te1);
    const [offer] = slotOffers(1);
    pool.offerSlots(te1, gateway, [offer!], 1);
    pool.assignFreeSlot(execution('a'));
    pool.releaseAssignment(offer!.allocationId, execution('a'), 0);

    pool.assignFreeSlot(execution('b'), true);
    pool.assignFreeSlot(execution('c'), true);

    expect(pool.hasRoom(true)).to.equal(false);
    expect(pool.assignFreeSlot(execution('d'), true)).to.equal(undefined);
    pool.releaseAssignment(offer!.allocationId, execution('b'), 0);
    expect(pool.hasRoom(true)).to.equal(true);
  });

  it('stops queueing in a slot once a task there ran long', () => {
    const [offer] = slotOffers(1);
    pool.offerSlots(te1, gateway, [offer!], 1);
    pool.assignFreeSlot(execution('a'));
    pool.releaseAssignment(offer!.allocationId, execution('a'), 0);
    pool.assignFreeSlot(execution('b'));

    pool.assignFreeSlot(execution('c'), true);
    pool.releaseAssignment(offer!.allocationId, execution('b'), kShortTaskMs);

    expect(pool.hasRoom(true)).to.equal(false);
    expect(pool.assignFreeSlot(execution('d'), true)).to.equal(undefined);
  });

  it('does not change what a slot takes when an execution leaves it without finishing', () => {
    const [offer] = slotOffers(1);
    pool.offerSlots(te1, gateway, [offer!], 1);
    pool.assignFreeSlot(execution('a'));

    pool.releaseAssignment(offer!.allocationId, execution('a'));
    pool.assignFreeSlot(execution('b'));

    expect(pool.hasRoom(true)).to.equal(false);
  });

  it('refuses a slot capacity below one', () => {
    expect(() => new SlotPool(0)).to.throw(RangeError, 'executionsPerSlot must be a whole number ≥ 1, got 0');
  });

  it('queues about kSlotQueueMs of work in a slot of short tasks, and nothing behind a long one', () => {
    expect(slotCapacity(0, kDefaultExecutionsPerSlot)).to.equal(kDefaultExecutionsPerSlot);
    expect(slotCapacity(0.01, kDefaultExecutionsPerSlot)).to.equal(kDefaultExecutionsPerSlot);
    expect(slotCapacity(0.5, kDefaultExecutionsPerSlot)).to.equal(5);
    expect(slotCapacity(1, kDefaultExecutionsPerSlot)).to.equal(3);
    expect(slotCapacity(kShortTaskMs - 1, kDefaultExecutionsPerSlot)).to.equal(2);
    expect(slotCapacity(kShortTaskMs, kDefaultExecutionsPerSlot)).to.equal(1);
    expect(slotCapacity(0, 4)).to.equal(4);
  });
});
