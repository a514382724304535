// A task whose TaskExecutor or slot is lost while it runs did not fail: it is
// redeployed at once without using one of the user's restart attempts, up to a
// budget per task (restart.lostTaskExecutorRedeployments, else
// jobmanager.execution.lost-task-executor-redeployments, default 3); beyond
// that, a loss counts as a failure. threadlink's own: Flink counts every loss
// against its restart strategy.

import { expect } from 'chai';

import { ExecutionLostError, JobExecutionError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { FlinkError } from '../../../src/runtime/flink-error.js';
import { ResourceID } from '../../../src/runtime/types/ids.js';
import type { TaskDeploymentDescriptor } from '../../../src/runtime/types/task-deployment-descriptor.js';
import { eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import {
  kHeartbeatTimeout,
  kTestingTaskExecutorModule,
  slotOffers,
  TestingJobMasterBuilder,
  type RegisteredTaskExecutor,
} from './testing-job-master-builder.js';

type Loss = 'disconnect' | 'heartbeat timeout' | 'failed slot';

/** Takes `te` away from the JobMaster in the way `loss` names. */
async function lose(h: TestingJobMasterBuilder, te: RegisteredTaskExecutor, loss: Loss): Promise<void> {
  if (loss === 'disconnect') {
    await h.gateway.disconnectTaskManager(te.resourceId, new FlinkError('TaskExecutor is shutting down.'));
  } else if (loss === 'heartbeat timeout') {
    h.manual.advance(kHeartbeatTimeout);
  } else {
    h.gateway.failSlot(te.resourceId, te.accepted[0]!.allocationId, new FlinkError('The slot failed.'));
  }
}

/** Registers a TaskExecutor with one slot and runs the task's next attempt there; returns it and the attempt. */
async function runOnNewTaskExecutor(
  h: TestingJobMasterBuilder,
): Promise<{ te: RegisteredTaskExecutor; tdd: TaskDeploymentDescriptor }> {
  const te = await h.registerTaskExecutor(1);
  const [tdd] = await h.awaitSubmissions(te.taskExecutor, 1);
  await h.report(tdd!, 'RUNNING');
  return { te, tdd: tdd! };
}

describe('JobMaster: redeploying the tasks of lost TaskExecutors without using attempts', () => {
  const service = useRpcService();

  for (const loss of ['disconnect', 'heartbeat timeout', 'failed slot'] as const) {
    it(`redeploys a running task after a ${loss} with no restart attempts, and the job finishes`, async () => {
      const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 0 } });
      await h.start();
      const first = await runOnNewTaskExecutor(h);

      await lose(h, first.te, loss);
      await eventually(() => h.statesOf(0).includes('FAILED'), 'the lost attempt');
      const second = await runOnNewTaskExecutor(h);
      await h.finish(second.tdd, 'done');

      const result = await h.jobMaster.getJobResultFuture();
      expect(result).to.include({ status: 'FINISHED' }).and.to.have.deep.property('results', ['done']);
      expect(second.tdd.attemptNumber).to.equal(1);
      const failure = h.taskChanges.find((c) => c.state === 'FAILED');
      expect(failure).to.include({ attemptNumber: 0, lost: true, resourceId: first.te.resourceId });
      expect(failure!.error).to.be.instanceOf(ExecutionLostError);
    });
  }

  it('redeploys a task whose TaskExecutor thread was killed while it ran (death watch)', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const worker = await service.rpc.spawnWorker(kTestingTaskExecutorModule, { workerData: {} });
    const resourceId = ResourceID.of('te-in-a-worker');
    await h.register(worker.result as string, resourceId);
    await h.offer(resourceId, slotOffers(1));
    await eventually(() => h.statesOf(0).includes('DEPLOYING'), 'the deployment');
    const deployed = h.taskChanges.find((c) => c.state === 'DEPLOYING')!;
    await h.gateway.updateTaskExecutionState({
      jobId: h.jobId,
      executionId: deployed.executionId,
      state: 'RUNNING',
    });

    await worker.kill();
    await eventually(() => h.statesOf(0).includes('FAILED'), 'the loss to be seen');
    const second = await runOnNewTaskExecutor(h);
    await h.finish(second.tdd, 'survived');

    expect((await h.jobMaster.getJobResultFuture()).results).to.deep.equal(['survived']);
    expect(h.taskChanges.find((c) => c.state === 'FAILED')).to.include({ lost: true, resourceId });
  });

  it('does not wait for the restart delay: the loss was not a failure', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 1, delayMs: 60_000 } });
    await h.start();
    const first = await runOnNewTaskExecutor(h);

    await lose(h, first.te, 'disconnect');
    const second = await runOnNewTaskExecutor(h);

    expect(second.tdd).to.include({ taskIndex: 0, attemptNumber: 1 });
  });

  it('counts the loss after the default three free redeployments as a failure', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 0 } });
    await h.start();
    for (let loss = 0; loss < 3; loss++) await lose(h, (await runOnNewTaskExecutor(h)).te, 'disconnect');
    const fourth = await runOnNewTaskExecutor(h);

    await lose(h, fourth.te, 'disconnect');

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.status).to.equal('FAILED');
    expect(result.error).to.be.instanceOf(JobExecutionError);
    expect(result.error!.message).to.include('task 0 failed 1 time');
    expect(result.error!.cause).to.be.instanceOf(ExecutionLostError);
    expect(h.taskChanges.filter((c) => c.state === 'FAILED').map((c) => c.lost ?? false)).to.deep.equal([
      true,
      true,
      true,
      false,
    ]);
  });

  it("takes the job's own budget over the cluster's", async () => {
    const h = new TestingJobMasterBuilder(service.rpc, {
      restart: { attempts: 0, lostTaskExecutorRedeployments: 1 },
      jobMasterConfiguration: { lostTaskExecutorRedeployments: 5 },
    });
    await h.start();
    await lose(h, (await runOnNewTaskExecutor(h)).te, 'disconnect');

    await lose(h, (await runOnNewTaskExecutor(h)).te, 'disconnect');

    expect((await h.jobMaster.getJobResultFuture()).status).to.equal('FAILED');
  });

  it('takes the configured budget for jobs that set none (jobmanager.execution.lost-task-executor-redeployments)', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, {
      jobMasterConfiguration: { lostTaskExecutorRedeployments: 0 },
    });
    await h.start();

    await lose(h, (await runOnNewTaskExecutor(h)).te, 'disconnect');

    expect((await h.jobMaster.getJobResultFuture()).status).to.equal('FAILED');
  });

  it('uses no free redeployment for a task that had not run yet: it only lost its place', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { lostTaskExecutorRedeployments: 0 } });
    await h.start();
    const te = await h.registerTaskExecutor(1);
    await h.awaitSubmissions(te.taskExecutor, 1);

    await lose(h, te, 'disconnect');
    const second = await runOnNewTaskExecutor(h);
    await h.finish(second.tdd, 'ok');

    expect((await h.jobMaster.getJobResultFuture()).status).to.equal('FINISHED');
    expect(h.taskChanges.find((c) => c.state === 'FAILED')).to.include({ lost: true });
  });
});
