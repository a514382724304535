// SlotWorker on its own, with jobs that record what they are told: exactly one
// outcome per job, also when the worker cannot start, the invokable cannot be
// sent, or the slot worker is closed under its jobs. threadlink's own class.

import { expect } from 'chai';

import type { SerializedError } from '../../../../src/actor/error-codec.js';
import { liveWorkerCount } from '../../../../src/rpc/worker-registry.js';
import { SlotWorker, type SlotWorkerJob } from '../../../../src/runtime/taskexecutor/task/slot-worker.js';
import {
  TaskInvokableError,
  TaskWorkerExitedError,
} from '../../../../src/runtime/taskexecutor/task/task-errors.js';
import { kTaskSlotWorkerEntry } from '../../../../src/worker-entries.js';
import type { TaskInvokable } from '../../../../src/runtime/types/task-deployment-descriptor.js';
import { eventually } from '../../../support/eventually.js';
import { invokable, kBlockingModule, kValuesModule, SpinFlags } from './testing-task-deployment.js';

type Outcome = ['running'] | ['finished', unknown] | ['failed', SerializedError] | ['lost', Error];

class RecordingJob implements SlotWorkerJob {
  readonly outcomes: Outcome[] = [];
  constructor(readonly invokable: TaskInvokable) {}
  onRunning(): void {
    this.outcomes.push(['running']);
  }
  onFinished(value: unknown): void {
    this.outcomes.push(['finished', value]);
  }
  onFailed(error: SerializedError): void {
    this.outcomes.push(['failed', error]);
  }
  onWorkerLost(cause: Error): void {
    this.outcomes.push(['lost', cause]);
  }
  /** The outcome after `running`, once there is one. */
  async ended(): Promise<Outcome> {
    await eventually(() => this.outcomes.some(([kind]) => kind !== 'running'), 'the job’s outcome');
    return this.outcomes.find(([kind]) => kind !== 'running')!;
  }
}

describe('SlotWorker', () => {
  let slotWorker: SlotWorker | undefined;
  let workersBefore: number;
  beforeEach(() => {
    workersBefore = liveWorkerCount();
  });
  afterEach(async () => {
    await slotWorker?.close();
    slotWorker = undefined;
  });

  it('reports running, then the value, for a job', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    const job = new RecordingJob(invokable(kValuesModule, 'add', 2, 2));
    slotWorker.submit(job);
    expect(job.outcomes).to.deep.equal([['running']]);
    expect(await job.ended()).to.deep.equal(['finished', 4]);
    expect(slotWorker.threadId).to.be.a('number');
  });

  it('loses the job with ERR_TASK_WORKER_EXITED, naming the cause, when its worker cannot load', async () => {
    slotWorker = new SlotWorker(new URL('./no-such-entry.js', kTaskSlotWorkerEntry), 'slot under test');
    const job = new RecordingJob(invokable(kValuesModule, 'add', 2, 2));
    slotWorker.submit(job);
    const [kind, cause] = await job.ended();
    expect(kind).to.equal('lost');
    expect(cause).to.be.instanceOf(TaskWorkerExitedError);
    expect((cause as Error).message).to.contain('no-such-entry.js');
    // Node's loader names it MODULE_NOT_FOUND or ERR_MODULE_NOT_FOUND, depending on how it resolved the entry.
    expect(((cause as Error).cause as { code?: string }).code).to.match(/MODULE_NOT_FOUND$/);
  });

  it('loses a job whose arguments cannot be sent, with ERR_TASK_INVOKABLE, and runs the next one', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    const unsendable = new RecordingJob(invokable(kValuesModule, 'add', () => 1, 2));
    const next = new RecordingJob(invokable(kValuesModule, 'add', 1, 2));
    slotWorker.submit(unsendable);
    slotWorker.submit(next);
    expect(unsendable.outcomes).to.have.lengthOf(1);
    expect(unsendable.outcomes[0]![1]).to.be.instanceOf(TaskInvokableError);
    expect(await next.ended()).to.deep.equal(['finished', 3]);
  });

  it('on close, ends its worker and loses the running and the waiting jobs', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    const flags = new SpinFlags();
    const running = new RecordingJob(invokable(kBlockingModule, 'spinForever', flags.buffer));
    const waiting = new RecordingJob(invokable(kValuesModule, 'add', 1, 2));
    slotWorker.submit(running);
    slotWorker.submit(waiting);
    await flags.untilStarted();

    await slotWorker.close();
    expect(liveWorkerCount()).to.equal(workersBefore);
    expect(running.outcomes.map(([kind]) => kind)).to.deep.equal(['running', 'lost']);
    expect(waiting.outcomes.map(([kind]) => kind)).to.deep.equal(['lost']);
  });

  it('loses a job submitted after close at once, starting no worker', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    await slotWorker.close();
    const job = new RecordingJob(invokable(kValuesModule, 'add', 1, 2));
    slotWorker.submit(job);
    expect(job.outcomes.map(([kind]) => kind)).to.deep.equal(['lost']);
    expect(liveWorkerCount()).to.equal(workersBefore);
  });

  it('reports nothing for an aborted job, and settles once its worker is gone', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    const flags = new SpinFlags();
    const job = new RecordingJob(invokable(kBlockingModule, 'spinForever', flags.buffer));
    slotWorker.submit(job);
    await flags.untilStarted();
    await slotWorker.abort(job);
    expect(liveWorkerCount()).to.equal(workersBefore);
    expect(job.outcomes).to.deep.equal([['running']]);
  });
});
