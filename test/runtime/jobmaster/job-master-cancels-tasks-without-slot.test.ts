// When a job is cancelled or fails, the tasks that never got a slot (or wait
// for their restart delay) end CANCELED, each with one event, so that every
// task reaches a final state its listeners see. As Flink's ExecutionGraph
// cancels every vertex that has not reached a terminal state.

import { expect } from 'chai';

import { drain } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { TestingJobMasterBuilder, submissionsTo } from './testing-job-master-builder.js';

describe('JobMaster: tasks without a slot when the job ends', () => {
  const service = useRpcService();

  it('ends the tasks that wait for a slot CANCELED when the job is cancelled', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 3 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [running] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(running!, 'RUNNING');

    await h.jobMaster.cancel();
    await h.report(running!, 'CANCELED');
    await h.jobMaster.getJobResultFuture();

    expect(h.statesOf(0)).to.deep.equal([
      'CREATED',
      'SCHEDULED',
      'DEPLOYING',
      'RUNNING',
      'CANCELING',
      'CANCELED',
    ]);
    for (const taskIndex of [1, 2]) {
      expect(h.statesOf(taskIndex)).to.deep.equal(['CREATED', 'CANCELED']);
      const canceled = h.taskChanges.find((c) => c.taskIndex === taskIndex && c.state === 'CANCELED');
      expect(canceled).to.include({ attemptNumber: 0, resourceId: undefined });
    }
    expect(submissionsTo(taskExecutor)).to.have.lengthOf(1);
  });

  it('ends them CANCELED when the job fails, too', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 3 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [first] = await h.awaitSubmissions(taskExecutor, 1);

    await h.report(first!, 'FAILED', { error: new Error('boom') });

    expect((await h.jobMaster.getJobResultFuture()).status).to.equal('FAILED');
    expect(h.statesOf(1)).to.deep.equal(['CREATED', 'CANCELED']);
    expect(h.statesOf(2)).to.deep.equal(['CREATED', 'CANCELED']);
  });

  it('ends a task that waits for its restart delay CANCELED, and never deploys it again', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2, restart: { attempts: 1, delayMs: 1000 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 2);
    await h.report(task1!, 'RUNNING');
    await h.report(task0!, 'FAILED', { error: new Error('boom') });

    await h.jobMaster.cancel();
    await h.report(task1!, 'CANCELED');
    await h.jobMaster.getJobResultFuture();
    h.manual.advance(1000);
    await drain();

    expect(h.statesOf(0)).to.deep.equal(['CREATED', 'SCHEDULED', 'DEPLOYING', 'FAILED', 'CANCELED']);
    const canceled = h.taskChanges.find((c) => c.taskIndex === 0 && c.state === 'CANCELED');
    expect(canceled).to.include({ attemptNumber: 1 });
    expect(submissionsTo(taskExecutor)).to.have.lengthOf(2);
  });
});
