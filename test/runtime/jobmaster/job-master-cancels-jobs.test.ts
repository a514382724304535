// Cancelling a job through its JobMaster: running tasks are cancelled on their
// TaskExecutors, the job is CANCELED once they are gone, and its result carries
// a JobCancellationError. After Flink's JobMasterTest / DefaultSchedulerTest
// cancellation cases (cancelJobWillIncrementVertexVersions,
// cancelWhileRestartingShouldWaitForRunningTasks).

import { expect } from 'chai';

import { JobCancellationError, JobExecutionError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { callsOf, TestingJobMasterBuilder, submissionsTo } from './testing-job-master-builder.js';

describe('JobMaster: cancelling a job', () => {
  const service = useRpcService();

  it('cancels the running tasks and ends CANCELED with a JobCancellationError once they report CANCELED', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const tdds = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of tdds) await h.report(tdd, 'RUNNING');

    await h.jobMaster.cancel();

    await eventually(() => callsOf(taskExecutor, 'cancelTask').length === 2, 'both cancellations');
    expect(callsOf(taskExecutor, 'cancelTask').map(([executionId]) => executionId)).to.have.members(
      tdds.map((tdd) => tdd.executionId),
    );
    expect(h.jobMaster.getJobStatus()).to.equal('CANCELLING');
    for (const tdd of tdds) await h.report(tdd, 'CANCELED');

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.status).to.equal('CANCELED');
    expect(result.error).to.be.instanceOf(JobCancellationError);
    expect(result.error).to.be.instanceOf(JobExecutionError);
    expect(result.error!.message).to.match(/^Job 'jobmaster-test' \(\w+\) was cancelled\.$/);
    expect(h.jobStatuses).to.deep.equal(['RUNNING', 'CANCELLING', 'CANCELED']);
  });

  it('ends CANCELED at once when no task is in flight', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();

    await h.jobMaster.cancel();
    const result = await h.jobMaster.getJobResultFuture();

    expect(result.status).to.equal('CANCELED');
    // Never deployed: it ends CANCELED without an attempt.
    expect(h.statesOf(0)).to.deep.equal(['CREATED', 'CANCELED']);
  });

  it('drops a restart that waits for its delay (cancelWhileRestartingShouldWaitForRunningTasks)', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2, restart: { attempts: 1, delayMs: 1000 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 2);
    await h.report(task1!, 'RUNNING');
    await h.report(task0!, 'FAILED', { error: new Error('boom') });

    await h.jobMaster.cancel();
    h.manual.advance(1000);
    await drain();
    expect(h.jobMaster.getJobStatus()).to.equal('CANCELLING');
    await h.report(task1!, 'CANCELED');

    expect((await h.jobMaster.getJobResultFuture()).status).to.equal('CANCELED');
    expect(submissionsTo(taskExecutor)).to.have.lengthOf(2);
  });

  it('counts a task whose cancellation the TaskExecutor refuses as cancelled', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1, {
      cancelTask: () => Promise.reject(new Error('no such task')),
    });
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(tdd!, 'RUNNING');

    await h.jobMaster.cancel();

    expect((await h.jobMaster.getJobResultFuture()).status).to.equal('CANCELED');
    expect(h.statesOf(0).at(-1)).to.equal('CANCELED');
  });

  it('leaves a job that has already ended as it is', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);
    await h.finish(tdd!, 'done');

    await h.jobMaster.cancel();

    expect(h.jobMaster.getJobStatus()).to.equal('FINISHED');
    expect((await h.jobMaster.getJobResultFuture()).results).to.deep.equal(['done']);
    expect(callsOf(taskExecutor, 'cancelTask')).to.have.lengthOf(0);
  });
});
