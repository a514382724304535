// Each slot has one worker thread, started when the slot is allocated and kept
// warm for its next tasks and its next jobs, whose modules it keeps apart. A
// cancelled task takes its worker with it and a worker that dies on its own fails
// the task it was running; either way a fresh worker starts at once, in the
// background. threadlink's own behaviour: Flink starts a thread per task.

import { expect } from 'chai';

import { liveWorkerCount } from '../../../../src/rpc/worker-registry.js';
import { TaskWorkerExitedError } from '../../../../src/runtime/taskexecutor/task/task-errors.js';
import { SerializedThrowable } from '../../../../src/runtime/types/serialized-throwable.js';
import type { TaskExecutionState } from '../../../../src/runtime/types/task-execution-state.js';
import { eventually } from '../../../support/eventually.js';
import { useRpcService } from '../../../support/paths.js';
import {
  invokable,
  kBlockingModule,
  kCrashingModule,
  kRpcTimeoutMs,
  kValuesModule,
  SpinFlags,
  TestingTaskDeployment,
} from './testing-task-deployment.js';

const threadOf = invokable(kValuesModule, 'currentThreadId');

describe('Task: one warm worker per slot, across jobs', () => {
  const service = useRpcService();
  let bed: TestingTaskDeployment;
  let workersBefore: number;
  beforeEach(async () => {
    workersBefore = liveWorkerCount();
    bed = await TestingTaskDeployment.start(service.rpc);
  });

  it('starts each slot’s worker when the slot is allocated, before its first task', () => {
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
  });

  it('runs the next task of a slot on the same worker', async () => {
    const first = await bed.resultOf(threadOf);
    const second = await bed.resultOf(threadOf);
    expect(second).to.equal(first);
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
  });

  it('gives each slot its own worker', async () => {
    const inSlot0 = await bed.resultOf(threadOf, 0);
    const inSlot1 = await bed.resultOf(threadOf, 1);
    expect(inSlot1).to.not.equal(inSlot0);
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
  });

  it('serves the next job in a slot on the same threads', async () => {
    const firstJob = [await bed.resultOf(threadOf, 0), await bed.resultOf(threadOf, 1)];
    await bed.nextJob();
    const secondJob = [await bed.resultOf(threadOf, 0), await bed.resultOf(threadOf, 1)];
    expect(secondJob).to.deep.equal(firstJob);
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
  });

  it('gives the next job fresh instances of its task modules, and keeps them within a job', async () => {
    const countCalls = invokable(kValuesModule, 'countCalls');
    expect([await bed.resultOf(countCalls), await bed.resultOf(countCalls)]).to.deep.equal([1, 2]);
    // The next jobs take the spare instances the worker imported ahead for them.
    for (let job = 2; job <= 3; job++) {
      await bed.nextJob();
      expect([await bed.resultOf(countCalls), await bed.resultOf(countCalls)], `job ${job}`).to.deep.equal([
        1, 2,
      ]);
    }
  });

  it('runs the tasks of one slot one after another, in submission order', async () => {
    const flags = new SpinFlags();
    const spinning = await bed.submit(invokable(kBlockingModule, 'spinUntilReleased', flags.buffer));
    const waiting = await bed.submit(invokable(kValuesModule, 'add', 1, 2));
    await flags.untilStarted();
    await bed.runningOf(spinning);
    expect(bed.statesOf(waiting)).to.deep.equal([]);

    flags.release();
    expect((await bed.finalStateOf(waiting)).result).to.equal(3);
    expect(bed.statesOf(spinning).map((state) => state.state)).to.deep.equal(['RUNNING', 'FINISHED']);
    // The queued task finished before its RUNNING report was due: FINISHED alone stands for both.
    expect(bed.statesOf(waiting).map((state) => state.state)).to.deep.equal(['FINISHED']);
    const order = bed.jm
      .callsOf('updateTaskExecutionState')
      .map(([state]) => (state as TaskExecutionState).executionId);
    expect(order).to.deep.equal([spinning, spinning, waiting]);
  });

  it('replaces the worker after a cancelled task at once, before the next task asks for it', async () => {
    const before = await bed.resultOf(threadOf);
    const flags = new SpinFlags();
    const spinning = await bed.submit(invokable(kBlockingModule, 'spinForever', flags.buffer));
    await flags.untilStarted();
    await bed.h.gateway.cancelTask(spinning, kRpcTimeoutMs);
    await bed.finalStateOf(spinning);
    // The old thread has exited and its replacement is already up: still one worker per slot.
    expect(liveWorkerCount()).to.equal(workersBefore + 2);

    const after = await bed.resultOf(threadOf);
    expect(after).to.not.equal(before);
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
  });

  it('fails the task whose worker calls process.exit, with ERR_TASK_WORKER_EXITED and the exit code', async () => {
    const state = await bed.run(invokable(kCrashingModule, 'exitProcess', 3));
    expect(state.state).to.equal('FAILED');
    const error = SerializedThrowable.deserialize(state.error!);
    expect(error).to.be.instanceOf(TaskWorkerExitedError);
    expect(error).to.include({ code: 'ERR_TASK_WORKER_EXITED' });
    expect(error.message).to.contain('exited with code 3');
  });

  it('fails the running task with an error that escapes it (a throwing timer), and keeps the worker', async () => {
    const before = await bed.resultOf(threadOf);
    const state = await bed.run(invokable(kCrashingModule, 'throwInTimer', 'lost in a timer'));
    expect(state.state).to.equal('FAILED');
    expect(state.error).to.include({ message: 'lost in a timer' });
    expect(await bed.resultOf(threadOf)).to.equal(before);
  });

  it('does not fail the next task with a late error of a task that has already returned', async () => {
    const before = await bed.resultOf(threadOf);
    const first = await bed.run(invokable(kCrashingModule, 'throwAfterReturning', 'late'));
    expect(first.state).to.equal('FINISHED');
    // The late error (thrown before the next task arrives) neither ended the worker nor failed that task.
    expect(await bed.resultOf(threadOf)).to.equal(before);
  });

  it('starts a fresh worker at once after one that died, for the slot’s next task', async () => {
    const before = await bed.resultOf(threadOf);
    await bed.run(invokable(kCrashingModule, 'exitProcess', 1));
    await eventually(() => liveWorkerCount() === workersBefore + 2, 'the replacement worker');
    const after = await bed.resultOf(threadOf);
    expect(after).to.not.equal(before);
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
  });
});
