// Ported from Flink's TaskSlotTest, plus the state rules of TaskSlot.

import { expect } from 'chai';

import { TaskSlot } from '../../../../src/runtime/taskexecutor/slot/task-slot.js';
import { TaskSlotState } from '../../../../src/runtime/taskexecutor/slot/task-slot-state.js';
import { AllocationID, JobID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import { TestingTaskSlotPayload } from './testing-task-slot-table.js';

const jobId = JobID.generate();
const allocationId = AllocationID.generate();

function createTaskSlot(): TaskSlot<TestingTaskSlotPayload> {
  return new TaskSlot(0, ResourceProfile.ZERO, jobId, allocationId);
}

async function isSettled(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await Promise.resolve();
  return settled;
}

describe('TaskSlot', () => {
  it('is closed only when the tasks added to it have terminated', async () => {
    const slot = createTaskSlot();
    slot.markActive();
    const task = new TestingTaskSlotPayload(jobId, allocationId);
    slot.add(task);

    const closing = slot.closeAsync();

    expect(task.failures).to.have.length(1);
    expect(await isSettled(closing)).to.equal(false);
    slot.remove(task.executionId);
    expect(await isSettled(closing)).to.equal(true);
  });

  it('closes at once when it is empty, and returns the same promise each time', async () => {
    const slot = createTaskSlot();
    const closing = slot.closeAsync();
    expect(await isSettled(closing)).to.equal(true);
    expect(slot.closeAsync()).to.equal(closing);
    expect(slot.state).to.equal(TaskSlotState.RELEASING);
  });

  it('fails each task only once however often it is closed', () => {
    const slot = createTaskSlot();
    slot.markActive();
    const task = new TestingTaskSlotPayload(jobId, allocationId);
    slot.add(task);

    void slot.closeAsync();
    void slot.closeAsync();

    expect(task.failures).to.have.length(1);
  });

  it('settles the closing promise when a task removes itself while being failed', async () => {
    const slot = createTaskSlot();
    slot.markActive();
    const task = new TestingTaskSlotPayload(jobId, allocationId);
    task.failExternally = () => void slot.remove(task.executionId);
    slot.add(task);

    expect(await isSettled(slot.closeAsync())).to.equal(true);
  });

  it('moves between ALLOCATED and ACTIVE but never out of RELEASING', () => {
    const slot = createTaskSlot();
    expect(slot.state).to.equal(TaskSlotState.ALLOCATED);
    expect(slot.markActive()).to.equal(true);
    expect(slot.markActive()).to.equal(true);
    expect(slot.state).to.equal(TaskSlotState.ACTIVE);
    expect(slot.markInactive()).to.equal(true);
    expect(slot.state).to.equal(TaskSlotState.ALLOCATED);

    void slot.closeAsync();
    expect(slot.markActive()).to.equal(false);
    expect(slot.markInactive()).to.equal(false);
    expect(slot.isAllocated(jobId, allocationId)).to.equal(false);
    expect(() => slot.generateSlotOffer()).to.throw(/not in state active or allocated/);
  });

  it('accepts only tasks of its own job and allocation, and only while active', () => {
    const slot = createTaskSlot();
    const task = new TestingTaskSlotPayload(jobId, allocationId);
    expect(() => slot.add(task)).to.throw(/not in state active/);

    slot.markActive();
    expect(() => slot.add(new TestingTaskSlotPayload(JobID.generate(), allocationId))).to.throw(
      /do not match/,
    );
    expect(() => slot.add(new TestingTaskSlotPayload(jobId, AllocationID.generate()))).to.throw(
      /do not match/,
    );
    expect(slot.add(task)).to.equal(true);
    expect(slot.add(new TestingTaskSlotPayload(jobId, allocationId, task.executionId))).to.equal(false);
    expect(slot.getTasks()).to.deep.equal([task]);
  });

  it('offers itself with its allocation, index and profile', () => {
    const slot = new TaskSlot(3, ResourceProfile.of({ cpuCores: 2 }), jobId, allocationId);
    expect(slot.generateSlotOffer()).to.deep.equal({
      allocationId,
      slotIndex: 3,
      resourceProfile: ResourceProfile.of({ cpuCores: 2 }),
    });
  });
});
