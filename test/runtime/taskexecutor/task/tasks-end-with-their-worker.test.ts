// A task that is cancelled, whose slot is freed, whose JobMaster is lost, or
// whose TaskExecutor stops, ends together with its worker: even `while (true) {}`
// stops, the final state follows once the worker has exited, and each task
// reports exactly one final state. The slot gets a fresh worker at once; only a
// TaskExecutor that stops leaves none. Ports TaskExecutorTest behaviour 47
// (testTaskSlotTableTerminationOnShutdown) of reference/flink-runtime.md §4, and
// after Flink's TaskTest (testCancelDuringInvoke) and TaskExecutor's
// disconnectJobManagerConnection ("fail the job's tasks").

import { expect } from 'chai';

import { liveWorkerCount } from '../../../../src/rpc/worker-registry.js';
import { FlinkError } from '../../../../src/runtime/flink-error.js';
import { isTerminalExecutionState } from '../../../../src/runtime/types/execution-state.js';
import type { ExecutionAttemptID } from '../../../../src/runtime/types/ids.js';
import { SlotID } from '../../../../src/runtime/types/slot-id.js';
import { drain, eventually } from '../../../support/eventually.js';
import { useRpcService } from '../../../support/paths.js';
import {
  invokable,
  kBlockingModule,
  kRpcTimeoutMs,
  kValuesModule,
  SpinFlags,
  TestingTaskDeployment,
} from './testing-task-deployment.js';

describe('Task: ends with its worker', () => {
  const service = useRpcService();
  let bed: TestingTaskDeployment;
  let workersBefore: number;
  beforeEach(async () => {
    workersBefore = liveWorkerCount();
    bed = await TestingTaskDeployment.start(service.rpc);
  });

  /** Submits a `while (true) {}` task into `slot` and resolves once its code runs. */
  async function spinningForever(slot = 0): Promise<ExecutionAttemptID> {
    const flags = new SpinFlags();
    const executionId = await bed.submit(invokable(kBlockingModule, 'spinForever', flags.buffer), slot);
    await flags.untilStarted();
    return executionId;
  }

  const threadOf = invokable(kValuesModule, 'currentThreadId');
  const finalStates = (executionId: ExecutionAttemptID) =>
    bed.statesOf(executionId).filter((state) => isTerminalExecutionState(state.state));

  it('cancels a task stuck in `while (true) {}`: its worker ends, then CANCELED (testCancelDuringInvoke)', async () => {
    const threadBefore = await bed.resultOf(threadOf);
    const executionId = await spinningForever();
    expect(liveWorkerCount()).to.equal(workersBefore + 2);

    await bed.h.gateway.cancelTask(executionId, kRpcTimeoutMs);
    const final = await bed.finalStateOf(executionId);
    expect(final).to.deep.equal({ jobId: bed.jobId, executionId, state: 'CANCELED' });
    // The spinning thread is gone and a fresh one has taken its place.
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
    expect(await bed.resultOf(threadOf)).to.not.equal(threadBefore);
    expect(bed.statesOf(executionId).map((state) => state.state)).to.deep.equal(['RUNNING', 'CANCELED']);
  });

  it('reports one final state however often it is cancelled', async () => {
    const executionId = await spinningForever();
    await bed.h.gateway.cancelTask(executionId, kRpcTimeoutMs);
    await bed.h.gateway.cancelTask(executionId, kRpcTimeoutMs);
    await bed.finalStateOf(executionId);
    await drain();
    expect(finalStates(executionId)).to.have.lengthOf(1);
  });

  it('cancels a task still waiting for its slot’s worker without touching the running one', async () => {
    const flags = new SpinFlags();
    const running = await bed.submit(invokable(kBlockingModule, 'spinUntilReleased', flags.buffer));
    const waiting = await bed.submit(invokable(kValuesModule, 'add', 1, 1));
    await flags.untilStarted();

    await bed.h.gateway.cancelTask(waiting, kRpcTimeoutMs);
    expect((await bed.finalStateOf(waiting)).state).to.equal('CANCELED');
    expect(bed.statesOf(waiting).map((state) => state.state)).to.deep.equal(['CANCELED']);

    flags.release();
    expect((await bed.finalStateOf(running)).state).to.equal('FINISHED');
  });

  it('fails the running tasks of a job whose JobMaster is lost, reporting to that JobMaster', async () => {
    const executionId = await spinningForever();
    bed.h.announceJobLeader(bed.jobId, null);

    const final = await bed.finalStateOf(executionId);
    expect(final.state).to.equal('FAILED');
    expect(final.error!.message).to.contain(`Disconnect from JobManager responsible for ${bed.jobId}`);
    expect(final.error!.cause!.message).to.contain('lost leadership');
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
    // The slot stays the job's, inactive, for its next leader.
    expect(bed.h.allocationsOf(bed.jobId)).to.have.members(bed.allocations);
  });

  it('fails the task in a slot that is freed, then returns the slot to the ResourceManager', async () => {
    const executionId = await spinningForever();
    await bed.h.gateway.freeSlot(
      bed.allocations[0]!,
      new FlinkError('the slot is needed elsewhere'),
      kRpcTimeoutMs,
    );

    const final = await bed.finalStateOf(executionId);
    expect(final.state).to.equal('FAILED');
    expect(final.error!.message).to.equal('the slot is needed elsewhere');
    await eventually(
      () => bed.rm.callsOf('notifySlotAvailable').length === 1,
      'the slot back at the ResourceManager',
    );
    const [, slotId, allocationId] = bed.rm.callsOf('notifySlotAvailable')[0] as [string, SlotID, string];
    expect(slotId).to.deep.equal(SlotID.of(bed.h.resourceId, 0));
    expect(allocationId).to.equal(bed.allocations[0]);
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
  });

  it('keeps the idle worker of a freed slot warm for the slot’s next allocation', async () => {
    const thread = await bed.resultOf(threadOf);
    await bed.h.gateway.freeSlot(bed.allocations[0]!, new FlinkError('done with it'), kRpcTimeoutMs);
    await drain();
    expect(liveWorkerCount()).to.equal(workersBefore + 2);
    await bed.nextJob();
    expect(await bed.resultOf(threadOf)).to.equal(thread);
  });

  it('stops only once every slot’s worker has ended, and fails the running task (testTaskSlotTableTerminationOnShutdown)', async () => {
    const executionId = await spinningForever(0);
    await bed.resultOf(invokable(kValuesModule, 'add', 1, 1), 1);
    expect(liveWorkerCount()).to.equal(workersBefore + 2);

    await bed.h.taskExecutor.closeAsync();
    expect(liveWorkerCount()).to.equal(workersBefore);
    const final = await bed.finalStateOf(executionId);
    expect(final.state).to.equal('FAILED');
  });
});
