// What the JobMaster does with the batched updateTaskExecutionStates tell that
// TaskExecutors send: every state in order, as if each came alone; a FINISHED
// without a RUNNING before it still shows RUNNING to listeners and times the
// task by the duration it carries; an unknown execution in a batch is skipped
// without stopping the others. threadlink's own: Flink sends one ask per state.

import { expect } from 'chai';

import type { TaskDeploymentDescriptor } from '../../../src/runtime/types/task-deployment-descriptor.js';
import type { TaskExecutionState } from '../../../src/runtime/types/task-execution-state.js';
import { ExecutionAttemptID } from '../../../src/runtime/types/ids.js';
import { eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { submissionsTo, TestingJobMasterBuilder } from './testing-job-master-builder.js';

function stateOf(h: TestingJobMasterBuilder, tdd: TaskDeploymentDescriptor, state: string, extra = {}) {
  return { jobId: h.jobId, executionId: tdd.executionId, state, ...extra } as TaskExecutionState;
}

describe('JobMaster: batched state updates', () => {
  const service = useRpcService();

  it('applies every state of a batch in order', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const [first, second] = await h.awaitSubmissions(taskExecutor, 2);

    h.gateway.updateTaskExecutionStates([
      stateOf(h, first!, 'RUNNING'),
      stateOf(h, second!, 'RUNNING'),
      stateOf(h, first!, 'FINISHED', { result: 'a' }),
      stateOf(h, second!, 'FINISHED', { result: 'b' }),
    ]);

    expect(await h.jobMaster.getJobResultFuture()).to.deep.include({
      status: 'FINISHED',
      results: ['a', 'b'],
    });
    expect(h.statesOf(0)).to.deep.equal(['CREATED', 'SCHEDULED', 'DEPLOYING', 'RUNNING', 'FINISHED']);
  });

  it('shows RUNNING to listeners for a task reported FINISHED alone', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);

    h.gateway.updateTaskExecutionStates([stateOf(h, tdd!, 'FINISHED', { result: 42, durationMs: 0.2 })]);

    expect(await h.jobMaster.getJobResultFuture()).to.deep.include({ status: 'FINISHED', results: [42] });
    expect(h.statesOf(0)).to.deep.equal(['CREATED', 'SCHEDULED', 'DEPLOYING', 'RUNNING', 'FINISHED']);
  });

  it('skips an execution it does not know and applies the rest of the batch', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);

    h.gateway.updateTaskExecutionStates([
      { jobId: h.jobId, executionId: ExecutionAttemptID.generate(), state: 'FINISHED', result: 'stray' },
      stateOf(h, tdd!, 'FINISHED', { result: 'mine' }),
    ] as TaskExecutionState[]);

    expect(await h.jobMaster.getJobResultFuture()).to.deep.include({ status: 'FINISHED', results: ['mine'] });
  });

  it('queues short tasks by the duration a FINISHED report carries, with no RUNNING before it', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 6 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);

    // Reported by its TaskExecutor to have run 1 ms: the slot now takes several executions at once.
    h.gateway.updateTaskExecutionStates([stateOf(h, tdd!, 'FINISHED', { result: 0, durationMs: 1 })]);
    await eventually(() => submissionsTo(taskExecutor).length > 2, 'several executions queued in the slot');
  });
});
