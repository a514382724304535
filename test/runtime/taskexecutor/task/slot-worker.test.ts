// SlotWorker on its own, with jobs that record what they are told: exactly one
// outcome per job, also when the worker cannot start, the invokable cannot be
// sent, or the slot worker is closed under its jobs. threadlink's own class.

import { expect } from 'chai';

import type { SerializedError } from '../../../../src/actor/error-codec.js';
import { liveWorkerCount } from '../../../../src/rpc/worker-registry.js';
import {
  kRecycleAfterJobs,
  SlotWorker,
  type SlotWorkerJob,
} from '../../../../src/runtime/taskexecutor/task/slot-worker.js';
import {
  TaskInvokableError,
  TaskWorkerExitedError,
} from '../../../../src/runtime/taskexecutor/task/task-errors.js';
import { kTaskSlotWorkerEntry } from '../../../../src/worker-entries.js';
import { JobID } from '../../../../src/runtime/types/ids.js';
import type { TaskInvokable } from '../../../../src/runtime/types/task-deployment-descriptor.js';
import { eventually } from '../../../support/eventually.js';
import {
  invokable,
  kBlockingModule,
  kCrashingModule,
  kValuesModule,
  SpinFlags,
} from './testing-task-deployment.js';

const kJob = JobID.generate();

type Outcome = ['running'] | ['finished', unknown] | ['failed', SerializedError] | ['lost', Error];

class RecordingJob implements SlotWorkerJob {
  readonly outcomes: Outcome[] = [];
  constructor(
    readonly invokable: TaskInvokable,
    readonly jobId: JobID = kJob,
  ) {}
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

  it('reports nothing for an aborted job, settles once its worker is gone, and has a fresh one up already', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    const flags = new SpinFlags();
    const job = new RecordingJob(invokable(kBlockingModule, 'spinForever', flags.buffer));
    slotWorker.submit(job);
    const spinningThread = slotWorker.threadId;
    await flags.untilStarted();
    await slotWorker.abort(job);
    expect(liveWorkerCount()).to.equal(workersBefore + 1);
    expect(slotWorker.threadId).to.be.a('number').and.not.equal(spinningThread);
    expect(job.outcomes).to.deep.equal([['running']]);
  });

  it('starts its worker ahead of the first job when asked to, and runs that job on it', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    slotWorker.prestart();
    const warm = slotWorker.threadId;
    expect(warm).to.be.a('number');
    const job = new RecordingJob(invokable(kValuesModule, 'currentThreadId'));
    slotWorker.submit(job);
    expect(await job.ended()).to.deep.equal(['finished', warm]);
  });

  it(`replaces a worker that has served ${kRecycleAfterJobs} jobs once its slot is freed, and no sooner; no job waits for the successor`, async function () {
    this.timeout(30_000);
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    const first = slotWorker;
    const runJob = async (jobId: JobID) => {
      const job = new RecordingJob(invokable(kValuesModule, 'currentThreadId'), jobId);
      first.submit(job);
      return (await job.ended())[1];
    };
    const thread = await runJob(JobID.generate());
    for (let i = 1; i < kRecycleAfterJobs - 1; i++) await runJob(JobID.generate());
    first.released();
    expect(await runJob(JobID.generate()), 'after fewer jobs than the limit').to.equal(thread);
    expect(liveWorkerCount(), 'no successor yet').to.equal(workersBefore + 1);

    first.released();
    // The successor boots beside it; a job submitted meanwhile runs on the worn worker at once.
    expect(liveWorkerCount(), 'the successor booting').to.equal(workersBefore + 2);
    expect(await runJob(JobID.generate()), 'while the successor boots').to.equal(thread);
    await eventually(() => first.threadId !== thread, 'the successor to take over');
    const after = await runJob(JobID.generate());
    expect(after).to.be.a('number').and.not.equal(thread);
    expect(after).to.equal(first.threadId);
    await eventually(() => liveWorkerCount() === workersBefore + 1, 'the worn worker to exit');
  });

  it('ends a successor that is still booting when it is closed', async () => {
    slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
    for (let i = 0; i < kRecycleAfterJobs; i++) {
      const job = new RecordingJob(invokable(kValuesModule, 'add', i, 1), JobID.generate());
      slotWorker.submit(job);
      if (i === kRecycleAfterJobs - 1) await job.ended();
    }
    slotWorker.released();
    expect(liveWorkerCount()).to.equal(workersBefore + 2);

    await slotWorker.close();

    expect(liveWorkerCount()).to.equal(workersBefore);
  });

  describe('with jobs posted ahead to its worker', () => {
    it('gives every job of a burst one outcome, in order, each running before it finishes', async () => {
      slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
      const jobs = Array.from(
        { length: 300 },
        (_, i) => new RecordingJob(invokable(kValuesModule, 'add', i, 1)),
      );
      for (const job of jobs) slotWorker.submit(job);
      await jobs[jobs.length - 1]!.ended();
      jobs.forEach((job, i) =>
        expect(job.outcomes, `job ${i}`).to.deep.equal([['running'], ['finished', i + 1]]),
      );
    });

    it('takes back a job its worker has not started without ending the worker, and the job never runs', async () => {
      slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
      const flags = new SpinFlags();
      const spinning = new RecordingJob(invokable(kBlockingModule, 'spinUntilReleased', flags.buffer));
      const counted = new RecordingJob(invokable(kValuesModule, 'countCalls'));
      const after = new RecordingJob(invokable(kValuesModule, 'countCalls'));
      slotWorker.submit(spinning);
      slotWorker.submit(counted);
      slotWorker.submit(after);
      await flags.untilStarted();
      const thread = slotWorker.threadId;

      await slotWorker.abort(counted);
      flags.release();

      expect((await spinning.ended())[0]).to.equal('finished');
      // countCalls counts per job's module instance: the job taken back did not call it.
      expect(await after.ended()).to.deep.equal(['finished', 1]);
      expect(counted.outcomes).to.deep.equal([]);
      expect(slotWorker.threadId).to.equal(thread);
    });

    it('hands the jobs behind an aborted running one to the fresh worker', async () => {
      slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
      const flags = new SpinFlags();
      const spinning = new RecordingJob(invokable(kBlockingModule, 'spinForever', flags.buffer));
      const behind = [1, 2, 3].map((i) => new RecordingJob(invokable(kValuesModule, 'add', i, i)));
      slotWorker.submit(spinning);
      for (const job of behind) slotWorker.submit(job);
      await flags.untilStarted();
      const spinningThread = slotWorker.threadId;

      await slotWorker.abort(spinning);

      for (const [i, job] of behind.entries())
        expect(await job.ended()).to.deep.equal(['finished', 2 * (i + 1)]);
      expect(slotWorker.threadId).to.be.a('number').and.not.equal(spinningThread);
      expect(spinning.outcomes).to.deep.equal([['running']]);
    });

    it('loses the job its worker crashed under, and runs the ones behind it on the next worker', async () => {
      slotWorker = new SlotWorker(kTaskSlotWorkerEntry, 'slot under test');
      const crashing = new RecordingJob(invokable(kCrashingModule, 'exitProcess', 3));
      const behind = new RecordingJob(invokable(kValuesModule, 'add', 20, 22));
      slotWorker.submit(crashing);
      slotWorker.submit(behind);

      const [kind, cause] = await crashing.ended();
      expect(kind).to.equal('lost');
      expect((cause as Error).message).to.contain('exited with code 3');
      expect(await behind.ended()).to.deep.equal(['finished', 42]);
    });
  });
});
