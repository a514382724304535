// What the JobMaster does when a TaskExecutor leaves or the TaskExecutor's
// heartbeat says something else than the JobMaster believes: the tasks of a
// TaskExecutor that disconnects fail and run again elsewhere, an execution the
// TaskExecutor no longer reports is lost, and one it reports that the JobMaster
// does not know is cancelled there. After JobMasterTest
// (testJobFailureWhenGracefulTaskExecutorTermination) and
// DefaultExecutionDeploymentReconcilerTest.

import { expect } from 'chai';

import { ExecutionLostError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { FlinkError } from '../../../src/runtime/flink-error.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import { ExecutionAttemptID } from '../../../src/runtime/types/ids.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { callsOf, TestingJobMasterBuilder } from './testing-job-master-builder.js';

describe('JobMaster: losing TaskExecutors and reconciling deployments', () => {
  const service = useRpcService();

  it('fails the tasks of a TaskExecutor that disconnects and runs them again on another one (testJobFailureWhenGracefulTaskExecutorTermination)', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2, restart: { attempts: 1, delayMs: 0 } });
    await h.start();
    const leaving = await h.registerTaskExecutor(1);
    const staying = await h.registerTaskExecutor(1);
    const [task0] = await h.awaitSubmissions(leaving.taskExecutor, 1);
    const [task1] = await h.awaitSubmissions(staying.taskExecutor, 1);
    for (const tdd of [task0!, task1!]) await h.report(tdd, 'RUNNING');

    await h.gateway.disconnectTaskManager(
      leaving.resourceId,
      new FlinkError('TaskExecutor is shutting down.'),
    );

    await eventually(
      () => callsOf(leaving.taskExecutor, 'disconnectJobManager').length === 1,
      'the disconnect',
    );
    const failure = h.taskChanges.find((c) => c.state === 'FAILED');
    expect(failure).to.include({ taskIndex: 0, resourceId: leaving.resourceId });
    expect(failure!.error).to.be.instanceOf(ExecutionLostError);
    expect((failure!.error!.cause as Error).message).to.equal('TaskExecutor is shutting down.');
    // Task 0 waits for a slot; task 1's slot is the one it gets once task 1 is done.
    await h.finish(task1!, 'r1');
    const [, retry] = await h.awaitSubmissions(staying.taskExecutor, 2);
    expect(retry).to.include({ taskIndex: 0, attemptNumber: 1, allocationId: task1!.allocationId });
    await h.finish(retry!, 'r0');
    expect((await h.jobMaster.getJobResultFuture()).results).to.deep.equal(['r0', 'r1']);
  });

  it('fails an acknowledged execution that the TaskExecutor no longer reports', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2, restart: { attempts: 1, delayMs: 1000 } });
    await h.start();
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(2);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of [task0!, task1!]) await h.report(tdd, 'RUNNING');

    await h.gateway.heartbeatFromTaskManager(resourceId, { executionDeploymentReport: [task1!.executionId] });

    await eventually(() => h.statesOf(0).includes('FAILED'), 'the lost execution');
    const failure = h.taskChanges.find((c) => c.state === 'FAILED');
    expect(failure?.executionId).to.equal(task0!.executionId);
    expect(failure?.error).to.be.instanceOf(ExecutionLostError);
    expect(failure?.error?.message).to.equal(
      `Execution ${task0!.executionId} is missing on TaskExecutor ${resourceId}.`,
    );
    expect(h.statesOf(1)).to.not.include('FAILED');
  });

  it('cancels an execution the TaskExecutor reports that the JobMaster does not know', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);
    await drain();
    const unknown = ExecutionAttemptID.of('left-over-from-an-older-attempt');

    await h.gateway.heartbeatFromTaskManager(resourceId, {
      executionDeploymentReport: [tdd!.executionId, unknown],
    });

    await eventually(() => callsOf(taskExecutor, 'cancelTask').length === 1, 'the cancellation');
    expect(callsOf(taskExecutor, 'cancelTask')[0]![0]).to.equal(unknown);
    expect(h.statesOf(0).at(-1)).to.equal('DEPLOYING');
  });

  it('does not fail an execution whose deployment the TaskExecutor has not acknowledged yet', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    let acknowledge!: () => void;
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(1, {
      submitTask: () =>
        new Promise<Acknowledge>((resolve) => {
          acknowledge = () => resolve(Acknowledge);
        }),
    });
    await h.awaitSubmissions(taskExecutor, 1);

    await h.gateway.heartbeatFromTaskManager(resourceId, { executionDeploymentReport: [] });
    await drain();

    expect(h.statesOf(0)).to.not.include('FAILED');
    acknowledge();
  });
});
