// What the JobMaster does with a failed task: it deploys the task again after
// the fixed delay while attempts are left, and otherwise fails the job with the
// task's error, cancelling the other tasks and ending once they are gone (or
// once the rpc timeout has passed without word from them). After Flink's
// DefaultSchedulerTest (restartAfterDeploymentFails, failJobIfCannotRestart,
// cancelWhileRestartingShouldWaitForRunningTasks) with a fixed-delay strategy.

import { expect } from 'chai';

import {
  ExecutionGraphError,
  ExecutionLostError,
  JobExecutionError,
} from '../../../src/runtime/jobmaster/job-master-errors.js';
import type { ExecutionAttemptID } from '../../../src/runtime/types/ids.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { callsOf, TestingJobMasterBuilder, submissionsTo } from './testing-job-master-builder.js';

/** An error class the JobMaster's thread does not know: it must still keep its name and code. */
class UserError extends Error {
  readonly code = 'E_USER';
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

describe('JobMaster: restarting failed tasks', () => {
  const service = useRpcService();

  it('deploys a failed task again after exactly the restart delay, as attempt 1', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 1, delayMs: 2000 } });
    await h.start();
    const { taskExecutor, accepted } = await h.registerTaskExecutor(1);
    const [attempt0] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(attempt0!, 'RUNNING');

    await h.report(attempt0!, 'FAILED', { error: new UserError('boom') });
    h.manual.advance(1999);
    await drain();
    expect(submissionsTo(taskExecutor)).to.have.lengthOf(1);
    h.manual.advance(1);

    const [, attempt1] = await h.awaitSubmissions(taskExecutor, 2);
    expect(attempt1).to.include({ taskIndex: 0, attemptNumber: 1, allocationId: accepted[0]!.allocationId });
    expect(attempt1!.executionId).to.not.equal(attempt0!.executionId);
    expect(h.statesOf(0)).to.deep.equal([
      ...['CREATED', 'SCHEDULED', 'DEPLOYING', 'RUNNING', 'FAILED'],
      ...['CREATED', 'SCHEDULED', 'DEPLOYING'],
    ]);
    expect(h.jobStatuses).to.deep.equal(['RUNNING']);
  });

  it('deploys a failed task again at once when the delay is zero', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 1, delayMs: 0 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [attempt0] = await h.awaitSubmissions(taskExecutor, 1);

    await h.report(attempt0!, 'FAILED', { error: new UserError('boom') });

    const [, attempt1] = await h.awaitSubmissions(taskExecutor, 2);
    expect(attempt1!.attemptNumber).to.equal(1);
  });

  it('rejects a late report from a failed attempt', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 1, delayMs: 0 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [attempt0] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(attempt0!, 'FAILED', { error: new UserError('boom') });
    await h.awaitSubmissions(taskExecutor, 2);

    const late = await h.report(attempt0!, 'FINISHED', { result: 'stale' }).then(
      () => expect.fail('expected a rejection'),
      (e: unknown) => e,
    );

    expect(late).to.be.instanceOf(ExecutionGraphError);
    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
  });

  it('counts the restarts of each task on its own', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2, restart: { attempts: 1, delayMs: 0 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 2);

    await h.report(task0!, 'FAILED', { error: new UserError('first') });
    await h.report(task1!, 'FAILED', { error: new UserError('second') });

    const retries = (await h.awaitSubmissions(taskExecutor, 4)).slice(2);
    expect(retries.map((tdd) => [tdd.taskIndex, tdd.attemptNumber])).to.have.deep.members([
      [0, 1],
      [1, 1],
    ]);
    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
  });

  it('fails the job with the task error, name, code and message kept, once the attempts run out', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 1, delayMs: 0 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [attempt0] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(attempt0!, 'FAILED', { error: new UserError('first') });
    const [, attempt1] = await h.awaitSubmissions(taskExecutor, 2);

    await h.report(attempt1!, 'FAILED', { error: new UserError('second') });

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.status).to.equal('FAILED');
    expect(result.error).to.be.instanceOf(JobExecutionError);
    expect(result.error!.message).to.include('task 0 failed 2 times').and.include('UserError: second');
    expect(result.error!.cause).to.include({ name: 'UserError', code: 'E_USER', message: 'second' });
    expect(h.jobStatuses).to.deep.equal(['RUNNING', 'FAILING', 'FAILED']);
    expect(submissionsTo(taskExecutor)).to.have.lengthOf(2);
  });

  it('cancels the other running tasks and fails the job once they report CANCELED', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of [task0!, task1!]) await h.report(tdd, 'RUNNING');

    await h.report(task0!, 'FAILED', { error: new UserError('boom') });

    await eventually(() => callsOf(taskExecutor, 'cancelTask').length === 1, 'the cancellation');
    expect(callsOf(taskExecutor, 'cancelTask')[0]).to.deep.equal([task1!.executionId, h.rpcTimeoutMs]);
    expect(h.jobMaster.getJobStatus()).to.equal('FAILING');
    expect(h.statesOf(1).at(-1)).to.equal('CANCELING');

    await h.report(task1!, 'CANCELED');

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.status).to.equal('FAILED');
    expect(result.error!.cause).to.include({ name: 'UserError', message: 'boom' });
    expect(h.statesOf(1).at(-1)).to.equal('CANCELED');
  });

  it('fails the job after the rpc timeout when a cancelled task never reports back', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2, rpcTimeoutMs: 10_000 });
    await h.start();
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(2);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of [task0!, task1!]) await h.report(tdd, 'RUNNING');
    await h.report(task0!, 'FAILED', { error: new UserError('boom') });
    await eventually(() => callsOf(taskExecutor, 'cancelTask').length === 1, 'the cancellation');

    // The TaskExecutor stays alive and keeps reporting the task: only the timeout ends the wait.
    await h.advanceWithHeartbeats(resourceId, [task1!.executionId], 9_999);
    await drain();
    expect(h.jobMaster.getJobStatus()).to.equal('FAILING');
    h.manual.advance(1);

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.status).to.equal('FAILED');
    expect(h.statesOf(1).at(-1)).to.equal('CANCELED');
  });

  it('treats a task cancelled on its TaskExecutor without being asked as a failure', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 1, delayMs: 0 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [attempt0] = await h.awaitSubmissions(taskExecutor, 1);

    await h.report(attempt0!, 'CANCELED');

    const [, attempt1] = await h.awaitSubmissions(taskExecutor, 2);
    expect(attempt1!.attemptNumber).to.equal(1);
    const failure = h.taskChanges.find((c) => c.state === 'FAILED');
    expect(failure?.executionId).to.equal(attempt0!.executionId as ExecutionAttemptID);
    expect(failure?.error).to.be.instanceOf(ExecutionGraphError);
  });

  it('deploys a restarted task before the tasks that have not run yet', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 3, restart: { attempts: 1, delayMs: 0 } });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [task0] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(task0!, 'RUNNING');

    await h.report(task0!, 'FAILED', { error: new UserError('boom') });

    const [, next] = await h.awaitSubmissions(taskExecutor, 2);
    expect(next).to.include({ taskIndex: 0, attemptNumber: 1 });
  });

  it('deploys a task that lost its slot before it ran again, without using a restart attempt', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const leaving = await h.registerTaskExecutor(1);
    const [attempt0] = await h.awaitSubmissions(leaving.taskExecutor, 1);

    await h.gateway.disconnectTaskManager(leaving.resourceId, new Error('gone before the task started'));
    const other = await h.registerTaskExecutor(1);

    const [attempt1] = await h.awaitSubmissions(other.taskExecutor, 1);
    expect(attempt1).to.include({ taskIndex: 0, attemptNumber: 1 });
    expect(attempt1!.executionId).to.not.equal(attempt0!.executionId);
    expect(h.statesOf(0)).to.deep.equal([
      ...['CREATED', 'SCHEDULED', 'DEPLOYING', 'FAILED'],
      ...['CREATED', 'SCHEDULED', 'DEPLOYING'],
    ]);
    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
  });

  it('counts a task lost while it ran as a failure once it has no free redeployments', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { lostTaskExecutorRedeployments: 0 } });
    await h.start();
    const leaving = await h.registerTaskExecutor(1);
    const [attempt0] = await h.awaitSubmissions(leaving.taskExecutor, 1);
    await h.report(attempt0!, 'RUNNING');

    await h.gateway.disconnectTaskManager(leaving.resourceId, new Error('gone while the task ran'));

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.status).to.equal('FAILED');
    expect(result.error!.cause).to.be.instanceOf(ExecutionLostError);
  });
});
