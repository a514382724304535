// Ported from Flink's DefaultTimerServiceTest, with time driven by a ManualExecutor.

import { expect } from 'chai';

import { DefaultTimerService } from '../../../../src/runtime/taskexecutor/slot/default-timer-service.js';
import type { TimeoutTicket } from '../../../../src/runtime/taskexecutor/slot/timer-service.js';
import { AllocationID } from '../../../../src/runtime/types/ids.js';
import { ManualExecutor } from '../../../support/manual-executor.js';

describe('DefaultTimerService', () => {
  let executor: ManualExecutor;
  let timerService: DefaultTimerService<AllocationID>;
  let fired: { key: AllocationID; ticket: TimeoutTicket }[];

  beforeEach(() => {
    executor = new ManualExecutor();
    timerService = new DefaultTimerService(executor);
    fired = [];
    timerService.start({ notifyTimeout: (key, ticket) => fired.push({ key, ticket }) });
  });
  afterEach(() => {
    timerService.stop();
    expect(executor.pendingCount).to.equal(0);
  });

  it('cancels every registered timeout on stop', () => {
    timerService.registerTimeout(AllocationID.generate(), 10_000);
    timerService.registerTimeout(AllocationID.generate(), 10_000);
    expect(executor.pendingCount).to.equal(2);

    timerService.stop();

    expect(timerService.size).to.equal(0);
    expect(executor.pendingCount).to.equal(0);
    executor.advance(20_000);
    expect(fired).to.deep.equal([]);
  });

  it('considers no ticket valid for a key without a timeout', () => {
    expect(timerService.isValid(AllocationID.generate(), 'any ticket')).to.equal(false);
  });

  it('considers the ticket of an active timeout valid', () => {
    const allocationId = AllocationID.generate();
    timerService.registerTimeout(allocationId, 10_000);
    const ticket = timerService.ticketOf(allocationId)!;

    expect(timerService.isValid(allocationId, ticket)).to.equal(true);
  });

  it('considers a ticket invalid if either the key or the ticket does not match', () => {
    const allocationId = AllocationID.generate();
    timerService.registerTimeout(allocationId, 10_000);
    const ticket = timerService.ticketOf(allocationId)!;

    expect(timerService.isValid(AllocationID.generate(), ticket)).to.equal(false);
    expect(timerService.isValid(allocationId, 'another ticket')).to.equal(false);
  });

  it('notifies the listener with key and ticket when the delay has passed', () => {
    const allocationId = AllocationID.generate();
    timerService.registerTimeout(allocationId, 100);
    const ticket = timerService.ticketOf(allocationId)!;

    executor.advance(99);
    expect(fired).to.deep.equal([]);
    executor.advance(1);

    expect(fired).to.deep.equal([{ key: allocationId, ticket }]);
    // Still valid after firing, so the owner can check it when it handles the timeout.
    expect(timerService.isValid(allocationId, ticket)).to.equal(true);
  });

  it('replaces an earlier timeout for the same key with a new ticket and cancels the old timer', () => {
    const allocationId = AllocationID.generate();
    timerService.registerTimeout(allocationId, 100);
    const oldTicket = timerService.ticketOf(allocationId)!;

    timerService.registerTimeout(allocationId, 300);
    const newTicket = timerService.ticketOf(allocationId)!;

    expect(newTicket).to.not.equal(oldTicket);
    expect(timerService.isValid(allocationId, oldTicket)).to.equal(false);
    expect(executor.pendingCount).to.equal(1);
    executor.advance(300);
    expect(fired).to.deep.equal([{ key: allocationId, ticket: newTicket }]);
  });

  it('cancels the timer of an unregistered timeout', () => {
    const allocationId = AllocationID.generate();
    timerService.registerTimeout(allocationId, 100);
    const ticket = timerService.ticketOf(allocationId)!;

    timerService.unregisterTimeout(allocationId);

    expect(timerService.isValid(allocationId, ticket)).to.equal(false);
    expect(executor.pendingCount).to.equal(0);
    timerService.unregisterTimeout(allocationId);
  });

  it('refuses timeouts before start and after stop, and a second start', () => {
    const fresh = new DefaultTimerService<AllocationID>(executor);
    expect(() => fresh.registerTimeout(AllocationID.generate(), 1)).to.throw(/has not been started/);

    expect(() => timerService.start({ notifyTimeout() {} })).to.throw(/already been started/);
    timerService.stop();
    expect(() => timerService.registerTimeout(AllocationID.generate(), 1)).to.throw(/has not been started/);
    expect(() => timerService.start({ notifyTimeout() {} })).to.throw(/stopped/);
  });
});
