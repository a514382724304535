// submitTask runs a task only for the job's connected JobMaster, under its
// current JobMasterId, in a slot allocated to that job; anything else is refused
// with ERR_TASK_SUBMISSION. A submission may overtake the answer to the slot
// offer: it activates the slot. cancelTask of an unknown execution is refused
// with ERR_TASK_NOT_FOUND. Ports TaskExecutorTest behaviour 37
// (testSubmitTaskBeforeAcceptSlot) of reference/flink-runtime.md §4 and the
// checks of Flink's TaskExecutor.submitTask.

import { expect } from 'chai';

import {
  TaskManagerError,
  TaskNotFoundError,
  TaskSubmissionError,
} from '../../../../src/runtime/gateways/task-executor-errors.js';
import { AllocationID, ExecutionAttemptID, JobID, JobMasterId } from '../../../../src/runtime/types/ids.js';
import { SlotID } from '../../../../src/runtime/types/slot-id.js';
import type { TestingResourceManager } from '../../../fixtures/testing-resource-manager.js';
import { drain, eventually } from '../../../support/eventually.js';
import { useRpcService } from '../../../support/paths.js';
import { ManualSlotOffers, TestingTaskExecutorBuilder } from '../testing-task-executor-builder.js';
import {
  deploymentOf,
  invokable,
  kRpcTimeoutMs,
  kValuesModule,
  SpinFlags,
  kBlockingModule,
  TestingTaskDeployment,
} from './testing-task-deployment.js';

const kAdd = invokable(kValuesModule, 'add', 1, 2);

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('TaskExecutor: submitTask and cancelTask are checked', () => {
  const service = useRpcService();

  describe('without a connected JobMaster', () => {
    let h: TestingTaskExecutorBuilder;
    let rm: TestingResourceManager;
    beforeEach(async () => {
      h = new TestingTaskExecutorBuilder(service.rpc, { rpcTimeoutMs: kRpcTimeoutMs });
      rm = await h.startRegistered();
    });

    it('refuses a task of a job whose JobMaster is not connected', async () => {
      const jobId = JobID.generate();
      const allocationId = AllocationID.generate();
      await h.requestSlot(rm, 0, jobId, allocationId);
      const error = await rejectionOf(
        h.gateway.submitTask(deploymentOf(jobId, allocationId, kAdd), JobMasterId.generate(), kRpcTimeoutMs),
      );
      expect(error).to.be.instanceOf(TaskSubmissionError).and.instanceOf(TaskManagerError);
      expect(error).to.include({ code: 'ERR_TASK_SUBMISSION' });
      expect(error.message).to.contain(`no JobManager associated for the job ${jobId}`);
      expect(h.activeAllocationsOf(jobId)).to.deep.equal([]);
    });
  });

  describe('with a connected JobMaster', () => {
    let bed: TestingTaskDeployment;
    beforeEach(async () => {
      bed = await TestingTaskDeployment.start(service.rpc);
    });

    it('refuses a task sent under another JobMasterId', async () => {
      const stale = JobMasterId.generate();
      const error = await rejectionOf(
        bed.h.gateway.submitTask(deploymentOf(bed.jobId, bed.allocations[0]!, kAdd), stale, kRpcTimeoutMs),
      );
      expect(error).to.be.instanceOf(TaskSubmissionError);
      expect(error.message).to.contain(`job manager leader id ${stale} does not match`);
    });

    it('refuses a task for an allocation this TaskExecutor does not hold', async () => {
      const unknown = AllocationID.generate();
      const error = await rejectionOf(
        bed.h.gateway.submitTask(
          deploymentOf(bed.jobId, unknown, kAdd),
          bed.jm.getFencingToken(),
          kRpcTimeoutMs,
        ),
      );
      expect(error).to.be.instanceOf(TaskSubmissionError);
      expect(error.message).to.contain(
        `No task slot allocated for job ID ${bed.jobId} and allocation ID ${unknown}`,
      );
    });

    it('refuses a task for an allocation that belongs to another job', async () => {
      const otherJob = JobID.generate();
      const othersAllocation = AllocationID.generate();
      await bed.h.gateway.freeSlot(bed.allocations[1]!, new Error('make room'), kRpcTimeoutMs);
      await bed.h.requestSlot(bed.rm, 1, otherJob, othersAllocation);
      const error = await rejectionOf(
        bed.h.gateway.submitTask(
          deploymentOf(bed.jobId, othersAllocation, kAdd),
          bed.jm.getFencingToken(),
          kRpcTimeoutMs,
        ),
      );
      expect(error).to.include({ code: 'ERR_TASK_SUBMISSION' });
      expect(bed.h.activeAllocationsOf(otherJob)).to.deep.equal([]);
    });

    it('refuses a second task with the execution id of a running one, even in another slot', async () => {
      const flags = new SpinFlags();
      const tdd = deploymentOf(
        bed.jobId,
        bed.allocations[0]!,
        invokable(kBlockingModule, 'spinUntilReleased', flags.buffer),
      );
      await bed.h.gateway.submitTask(tdd, bed.jm.getFencingToken(), kRpcTimeoutMs);
      const duplicate = deploymentOf(bed.jobId, bed.allocations[1]!, kAdd, tdd.executionId);
      const error = await rejectionOf(
        bed.h.gateway.submitTask(duplicate, bed.jm.getFencingToken(), kRpcTimeoutMs),
      );
      expect(error).to.be.instanceOf(TaskSubmissionError);
      expect(error.message).to.contain(`already contains a task for id ${tdd.executionId}`);

      flags.release();
      const final = await bed.finalStateOf(tdd.executionId);
      await drain();
      expect(final.state).to.equal('FINISHED');
      // One task ran under that id: the duplicate left no states of its own.
      expect(bed.statesOf(tdd.executionId).map((state) => state.state)).to.deep.equal(['FINISHED']);
    });

    it('refuses to cancel an execution it does not know, with ERR_TASK_NOT_FOUND', async () => {
      const unknown = ExecutionAttemptID.generate();
      const error = await rejectionOf(bed.h.gateway.cancelTask(unknown, kRpcTimeoutMs));
      expect(error).to.be.instanceOf(TaskNotFoundError);
      expect(error).to.include({ code: 'ERR_TASK_NOT_FOUND' });
      expect(error.message).to.contain(unknown);
    });

    it('refuses to cancel a task that has already finished', async () => {
      const executionId = await bed.submit(kAdd);
      await bed.finalStateOf(executionId);
      const error = await rejectionOf(bed.h.gateway.cancelTask(executionId, kRpcTimeoutMs));
      expect(error).to.be.instanceOf(TaskNotFoundError);
    });
  });

  it('activates the slot of a task submitted before the offer is answered, and frees only the rejected slot (testSubmitTaskBeforeAcceptSlot)', async () => {
    const h = new TestingTaskExecutorBuilder(service.rpc, { numberSlots: 2, rpcTimeoutMs: kRpcTimeoutMs });
    const rm = await h.startRegistered();
    const offers = new ManualSlotOffers();
    const jm = h.startJobMaster({ offerSlots: offers.offerSlots });
    const jobId = JobID.generate();
    const [allocation1, allocation2] = [AllocationID.generate(), AllocationID.generate()];
    await h.requestSlot(rm, 0, jobId, allocation1);
    await h.requestSlot(rm, 1, jobId, allocation2);
    h.announceJobLeader(jobId, jm);
    const offer = await offers.nth(1);

    const tdd = deploymentOf(jobId, allocation1, kAdd);
    await h.gateway.submitTask(tdd, jm.getFencingToken(), kRpcTimeoutMs);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([allocation1]);

    offer.accept(offer.offers.filter((o) => o.allocationId === allocation1));
    await eventually(() => rm.callsOf('notifySlotAvailable').length === 1, 'the rejected slot freed');
    const [, slotId, freed] = rm.callsOf('notifySlotAvailable')[0] as [string, SlotID, AllocationID];
    expect(slotId).to.deep.equal(SlotID.of(h.resourceId, 1));
    expect(freed).to.equal(allocation2);
    await eventually(
      () => jm.callsOf('updateTaskExecutionState').length === 1,
      'the task to reach its final state',
    );
    expect(jm.callsOf('updateTaskExecutionState')[0]![0]).to.include({ state: 'FINISHED', result: 3 });
    expect(h.allocationsOf(jobId)).to.deep.equal([allocation1]);
  });
});
