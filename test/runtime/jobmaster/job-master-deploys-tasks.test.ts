// How the JobMaster runs a job in the slots it holds: tasks are deployed in
// order into free slots, a slot is reused once its task finished, surplus slots
// are given back, and the results come back in task order once every task has
// finished, after which every slot is freed and the ResourceManager is told.
// After JobMasterTest and DefaultSchedulerTest, for a job of independent tasks.

import { expect } from 'chai';

import { RpcTimeoutError } from '../../../src/rpc/errors.js';
import {
  ExecutionGraphError,
  JobExecutionError,
  JobMasterError,
} from '../../../src/runtime/jobmaster/job-master-errors.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import { ExecutionAttemptID, JobID } from '../../../src/runtime/types/ids.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { callsOf, TestingJobMasterBuilder, submissionsTo } from './testing-job-master-builder.js';

describe('JobMaster: deploying tasks', () => {
  const service = useRpcService();

  it('deploys tasks 0.. in order into the offered slots, with its JobMasterId', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();

    const { taskExecutor, accepted } = await h.registerTaskExecutor(2);

    await h.awaitSubmissions(taskExecutor, 2);
    const calls = callsOf(taskExecutor, 'submitTask');
    expect(calls.map(([tdd]) => tdd)).to.deep.equal(
      [0, 1].map((taskIndex) => ({
        jobId: h.jobId,
        executionId: (calls[taskIndex]![0] as { executionId: string }).executionId,
        allocationId: accepted[taskIndex]!.allocationId,
        taskIndex,
        attemptNumber: 0,
        invokable: { module: 'file:///tasks/task.js', exportName: 'default', args: [taskIndex] },
      })),
    );
    for (const [, jobMasterId, timeoutMs] of calls) {
      expect(jobMasterId).to.equal(h.jobMasterId);
      expect(timeoutMs).to.equal(h.rpcTimeoutMs);
    }
    expect(new Set(calls.map(([tdd]) => (tdd as { executionId: string }).executionId)).size).to.equal(2);
  });

  it('walks a task through CREATED, SCHEDULED, DEPLOYING, RUNNING and FINISHED', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);

    await h.finish(tdd!, 'done');

    expect(h.statesOf(0)).to.deep.equal(['CREATED', 'SCHEDULED', 'DEPLOYING', 'RUNNING', 'FINISHED']);
    expect(h.taskChanges.at(-1)).to.include({ executionId: tdd!.executionId, resourceId, attemptNumber: 0 });
    expect(h.jobStatuses).to.deep.equal(['RUNNING', 'FINISHED']);
  });

  it('deploys the next task into the same slot only once the previous one has finished', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 3 });
    await h.start();
    const { taskExecutor, accepted } = await h.registerTaskExecutor(1);
    const [task0] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(task0!, 'RUNNING');
    await drain();
    expect(submissionsTo(taskExecutor)).to.have.lengthOf(1);

    await h.report(task0!, 'FINISHED', { result: 'r0' });

    const [, task1] = await h.awaitSubmissions(taskExecutor, 2);
    expect(task1).to.include({ taskIndex: 1, allocationId: accepted[0]!.allocationId, attemptNumber: 0 });
    await h.finish(task1!, 'r1');
    const [, , task2] = await h.awaitSubmissions(taskExecutor, 3);
    expect(task2).to.include({ taskIndex: 2, allocationId: accepted[0]!.allocationId });
  });

  it('returns the results in task order, whatever order the tasks finish in', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 3 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(3);
    const tdds = await h.awaitSubmissions(taskExecutor, 3);

    for (const tdd of [...tdds].reverse()) await h.finish(tdd, { value: `r${tdd.taskIndex}` });

    const result = await h.jobMaster.getJobResultFuture();
    expect(result).to.deep.equal({
      jobId: h.jobId,
      status: 'FINISHED',
      results: [{ value: 'r0' }, { value: 'r1' }, { value: 'r2' }],
    });
    expect(h.jobMaster.getJobStatus()).to.equal('FINISHED');
  });

  it('gives back a slot the job no longer needs while other tasks still run', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 2);
    await h.report(task1!, 'RUNNING');

    await h.finish(task0!, 'r0');

    await eventually(() => callsOf(taskExecutor, 'freeSlot').length === 1, 'the freed slot');
    expect(callsOf(taskExecutor, 'freeSlot')[0]![0]).to.equal(task0!.allocationId);
    // The slot is no longer held: the next heartbeat does not report it.
    h.manual.triggerAll();
    await eventually(() => callsOf(taskExecutor, 'heartbeatFromJobManager').length === 1, 'a heartbeat');
    const report = callsOf(taskExecutor, 'heartbeatFromJobManager')[0]![1] as {
      allocatedSlotInfos: { allocationId: string }[];
    };
    expect(report.allocatedSlotInfos.map((info) => info.allocationId)).to.deep.equal([task1!.allocationId]);
  });

  it('frees every slot, lets the TaskExecutors go and tells the ResourceManager when the job has finished', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the registration at the ResourceManager');
    const { taskExecutor, accepted } = await h.registerTaskExecutor(2);
    const tdds = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of tdds) await h.report(tdd, 'RUNNING');

    for (const tdd of tdds) await h.report(tdd, 'FINISHED', { result: tdd.taskIndex });

    await h.jobMaster.getJobResultFuture();
    await eventually(() => rm.disconnections.length === 1, 'the disconnect at the ResourceManager');
    expect(rm.disconnections[0]).to.include({ jobId: h.jobId, jobStatus: 'FINISHED' });
    await eventually(() => callsOf(taskExecutor, 'freeSlot').length === 2, 'both slots freed');
    expect(callsOf(taskExecutor, 'freeSlot').map(([allocationId]) => allocationId)).to.have.members(
      accepted.map((offer) => offer.allocationId),
    );
    await eventually(
      () => callsOf(taskExecutor, 'disconnectJobManager').length === 1,
      'the TaskExecutor let go',
    );
    expect(callsOf(taskExecutor, 'disconnectJobManager')[0]![0]).to.equal(h.jobId);
  });

  it('rejects a state update for an execution it does not know with an ExecutionGraphError', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);

    const unknown = h.gateway.updateTaskExecutionState({
      jobId: h.jobId,
      executionId: ExecutionAttemptID.of('no-such-execution'),
      state: 'RUNNING',
    });
    const otherJob = h.gateway.updateTaskExecutionState({
      jobId: JobID.generate(),
      executionId: tdd!.executionId,
      state: 'RUNNING',
    });

    for (const update of [unknown, otherJob]) {
      const error = await update.then(
        () => expect.fail('expected a rejection'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ExecutionGraphError);
    }
    expect(await h.report(tdd!, 'RUNNING')).to.equal(Acknowledge);
  });

  it('counts a deployment the TaskExecutor refuses as a failure of the task', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    await h.registerTaskExecutor(1, {
      submitTask: () => Promise.reject(new RpcTimeoutError('submitTask timed out')),
    });

    const result = await h.jobMaster.getJobResultFuture();

    expect(result.status).to.equal('FAILED');
    expect(result.error).to.be.instanceOf(JobExecutionError);
    expect(result.error!.cause).to.be.instanceOf(JobMasterError);
    expect((result.error!.cause as Error).message).to.equal('Could not deploy task 0: submitTask timed out');
    expect((result.error!.cause as Error).cause).to.be.instanceOf(RpcTimeoutError);
  });
});
