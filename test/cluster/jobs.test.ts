// Jobs end to end on a MiniCluster: a JobMaster on the main thread gets slots
// through the ResourceManager, TaskExecutors in worker threads run each task in
// a slot's own worker, failures are restarted, a crashed TaskExecutor's tasks
// are redeployed (without using restart attempts), and nothing is left running
// afterwards.

import { expect } from 'chai';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { JobClient } from '../../src/cluster/job-client.js';
import { MiniCluster } from '../../src/cluster/mini-cluster.js';
import { liveWorkerCount } from '../../src/rpc/worker-registry.js';
import {
  InvalidJobError,
  JobCancellationError,
  JobExecutionError,
} from '../../src/runtime/jobmaster/job-master-errors.js';
import type { TaskStateChange } from '../../src/runtime/types/job-result.js';
import type { ResourceID } from '../../src/runtime/types/ids.js';
import { eventually } from '../support/eventually.js';

const kTasks = new URL('./tasks/job-tasks.js', import.meta.url).href;

function task(exportName: string, ...args: unknown[]) {
  return { module: kTasks, export: exportName, args };
}

/** Resolves with the first state change that matches. */
function firstChange(
  job: JobClient,
  matches: (change: TaskStateChange) => boolean,
): Promise<TaskStateChange> {
  return new Promise((resolve) => {
    const listener = (change: TaskStateChange) => {
      if (!matches(change)) return;
      job.off('progress', listener);
      resolve(change);
    };
    job.on('progress', listener);
  });
}

describe('Jobs on a MiniCluster', function () {
  this.timeout(30_000);
  let cluster: MiniCluster | undefined;
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'threadlink-jobs-'));
  });

  afterEach(async () => {
    await cluster?.closeAsync();
    cluster = undefined;
    rmSync(scratch, { recursive: true, force: true });
  });

  async function startCluster(options: Parameters<typeof MiniCluster.start>[0]): Promise<MiniCluster> {
    cluster = await MiniCluster.start(options);
    await cluster.waitUntilTaskExecutorsRegistered();
    return cluster;
  }

  it('runs more tasks than there are slots, reusing slots, and returns the results in task order', async () => {
    const c = await startCluster({ taskExecutors: 2, slotsPerTaskExecutor: 1 });
    const tasks = Array.from({ length: 12 }, (_, i) => task(i % 2 ? 'double' : 'doubleLater', i));
    const job = c.submitJob({ name: 'doubles', tasks });
    let maxInSlots = 0;
    job.on('progress', () => (maxInSlots = Math.max(maxInSlots, job.progress().slotsInUse)));
    expect(await job.result).to.deep.equal(tasks.map((_, i) => i * 2));
    expect(job.status()).to.equal('FINISHED');
    expect(maxInSlots).to.be.at.most(2);
    expect(job.progress()).to.include({ total: 12, finished: 12, failedAttempts: 0 });
  });

  it('walks every task through CREATED, SCHEDULED, DEPLOYING, RUNNING and FINISHED', async () => {
    const c = await startCluster({ taskExecutors: 1 });
    const job = c.submitJob({ tasks: [task('double', 21)] });
    const states: string[] = [];
    job.on('progress', (change) => states.push(change.state));
    expect(await job.result).to.deep.equal([42]);
    expect(states).to.deep.equal(['CREATED', 'SCHEDULED', 'DEPLOYING', 'RUNNING', 'FINISHED']);
  });

  it('frees the slots when the job ends, and the ResourceManager sees them free', async () => {
    const c = await startCluster({ taskExecutors: 2, slotsPerTaskExecutor: 2 });
    const job = c.submitJob({ tasks: Array.from({ length: 6 }, (_, i) => task('double', i)) });
    await job.result;
    const rm = await c.resourceManagerGateway();
    let free = -1;
    await eventually(() => {
      void rm.requestResourceOverview(1000).then((overview) => (free = overview.numberFreeSlots));
      return free === 4;
    }, 'every slot to be free again');
  });

  it('restarts a task that fails once, after the delay, and the job finishes', async () => {
    const c = await startCluster({ taskExecutors: 2 });
    const marker = join(scratch, 'failed-once');
    const job = c.submitJob({
      tasks: [task('double', 1), task('failOnce', marker, 7), task('double', 3)],
      restart: { attempts: 1, delayMs: 50 },
    });
    const failures: TaskStateChange[] = [];
    job.on('progress', (change) => change.state === 'FAILED' && failures.push(change));
    expect(await job.result).to.deep.equal([2, 7, 6]);
    expect(failures).to.have.lengthOf(1);
    expect(failures[0]).to.include({ taskIndex: 1, attemptNumber: 0 });
    expect(failures[0]!.error?.message).to.equal('first attempt of 7 fails on purpose');
    expect(job.progress().failedAttempts).to.equal(1);
  });

  it('fails the job with the task error (name, code, message, stack) once the attempts run out', async () => {
    const c = await startCluster({ taskExecutors: 1 });
    const job = c.submitJob({ tasks: [task('alwaysFail', 9)], restart: { attempts: 2, delayMs: 0 } });
    const error = await job.result.then(
      () => expect.fail('the job should fail'),
      (e: unknown) => e as JobExecutionError,
    );
    expect(error).to.be.instanceOf(JobExecutionError);
    expect(error.code).to.equal('ERR_JOB_EXECUTION');
    const cause = error.cause as Error & { code?: string };
    expect(cause.name).to.equal('PrimeCheckError');
    expect(cause.code).to.equal('ERR_PRIME_CHECK');
    expect(cause.message).to.equal('9 is not what I expected');
    expect(cause.stack).to.include('alwaysFail');
    expect(job.status()).to.equal('FAILED');
    expect(job.progress().failedAttempts).to.equal(3);
  });

  it('fails the job with a clear error when the task module or export does not exist', async () => {
    const c = await startCluster({ taskExecutors: 1 });
    const job = c.submitJob({ tasks: [{ module: kTasks, export: 'noSuchExport' }] });
    const error = (await job.result.catch((e: unknown) => e)) as JobExecutionError;
    expect(error).to.be.instanceOf(JobExecutionError);
    expect((error.cause as { code?: string }).code).to.equal('ERR_TASK_INVOKABLE');
  });

  it('rejects a malformed job at once with ERR_INVALID_JOB', async () => {
    const c = await startCluster({ taskExecutors: 1 });
    expect(() => c.submitJob({ tasks: [] }))
      .to.throw(InvalidJobError)
      .with.property('code', 'ERR_INVALID_JOB');
    expect(() => c.submitJob({ tasks: [{ module: 'relative/path.js' }] })).to.throw(InvalidJobError);
    expect(() => c.submitJob({ tasks: [task('double', () => 1)] })).to.throw(InvalidJobError);
    expect(() => c.submitJob({ tasks: [task('double', 1)], restart: { attempts: -1 } })).to.throw(
      InvalidJobError,
    );
  });

  it('survives a crashed TaskExecutor: its task is redeployed and a replacement worker starts', async () => {
    const c = await startCluster({ taskExecutors: 2, config: { 'heartbeat.timeout': '50 s' } });
    const job = c.submitJob({
      tasks: [task('spin', 400, 'a'), task('spin', 400, 'b')],
      restart: { attempts: 1, delayMs: 0 },
    });
    const running = await firstChange(job, (change) => change.state === 'RUNNING');
    await c.terminateTaskExecutor(running.resourceId as ResourceID);
    expect(await job.result).to.deep.equal(['a', 'b']);
    // Redeployed without using its restart attempt: the crash was not the task's failure.
    expect(job.progress().failedAttempts).to.equal(0);
    // Active resource management: the ResourceManager asked for a new worker.
    await eventually(() => c.getTaskExecutors().length === 2, 'a replacement TaskExecutor');
    expect(c.getTaskExecutors().map((te) => te.resourceId)).not.to.include(running.resourceId);
  });

  it('loses no restart attempts to a crashed TaskExecutor beyond the tasks that were running there', async () => {
    const c = await startCluster({ taskExecutors: 2, slotsPerTaskExecutor: 2 });
    const tasks = Array.from({ length: 400 }, (_, i) => task('double', i));
    const job = c.submitJob({ tasks, restart: { attempts: 2, delayMs: 0 } });
    const hundredth = await firstChange(job, () => job.progress().finished >= 100);
    const victim = c.getTaskExecutors().find((te) => te.resourceId === hundredth.resourceId)!;
    await c.terminateTaskExecutor(victim.resourceId);
    expect(await job.result).to.deep.equal(tasks.map((_, i) => i * 2));
    // At most the two tasks running in its two slots failed; queued ones were only moved.
    expect(job.progress().failedAttempts).to.be.at.most(2);
  });

  it('does not replace a crashed TaskExecutor when active resource management is off', async () => {
    const c = await startCluster({ taskExecutors: 2, activeResourceManagement: false });
    const [victim] = c.getTaskExecutors();
    await c.terminateTaskExecutor(victim!.resourceId);
    await eventually(() => c.getTaskExecutors().length === 1, 'the crash to be seen');
    const job = c.submitJob({ tasks: [task('double', 2)] });
    expect(await job.result).to.deep.equal([4]);
    expect(c.getTaskExecutors()).to.have.lengthOf(1);
  });

  it('keeps a TaskExecutor alive while its task runs CPU-bound for longer than the heartbeat timeout', async () => {
    const c = await startCluster({
      taskExecutors: 1,
      config: { 'heartbeat.interval': '100 ms', 'heartbeat.timeout': '800 ms' },
    });
    const exits: unknown[] = [];
    c.on('taskExecutorExited', (exit) => exits.push(exit));
    // Twice the heartbeat timeout, on one core, with no turn of the task's event loop.
    const job = c.submitJob({ tasks: [task('spin', 1600, 'done')] });
    expect(await job.result).to.deep.equal(['done']);
    expect(job.progress().failedAttempts).to.equal(0);
    expect(exits).to.have.lengthOf(0);
    const rm = await c.resourceManagerGateway();
    expect(await rm.getNumberOfRegisteredTaskManagers()).to.equal(1);
  });

  it('cancels a job: the running task is ended, the result rejects with JobCancellationError', async () => {
    const c = await startCluster({ taskExecutors: 1, slotsPerTaskExecutor: 2 });
    const job = c.submitJob({ tasks: [task('forever'), task('forever'), task('double', 1)] });
    await firstChange(job, (change) => change.state === 'RUNNING');
    await job.cancel();
    const error = await job.result.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(JobCancellationError);
    expect((error as JobCancellationError).code).to.equal('ERR_JOB_CANCELLED');
    expect(job.status()).to.equal('CANCELED');
    // The slots work again: the cancelled tasks' workers were ended, not left spinning.
    const next = c.submitJob({ tasks: [task('double', 5), task('double', 6)] });
    expect(await next.result).to.deep.equal([10, 12]);
  });

  it('serves the next job with the same warm task workers: the same thread ids', async () => {
    const c = await startCluster({ taskExecutors: 2, slotsPerTaskExecutor: 1 });
    // Two tasks that wait for each other run in both slots at once, whatever the timing.
    const threadsOf = async () => {
      const counter = new SharedArrayBuffer(4);
      const tasks = [0, 1].map(() => task('whereAmIWithPeers', counter, 2));
      return new Set((await c.submitJob({ tasks }).result) as number[]);
    };
    const first = await threadsOf();
    expect(first.size).to.equal(2);
    expect(await threadsOf()).to.deep.equal(first);
    expect(await threadsOf()).to.deep.equal(first);
  });

  it('after a cancel, the next job runs on fresh task workers in the cancelled slots', async () => {
    const c = await startCluster({ taskExecutors: 1, slotsPerTaskExecutor: 1 });
    const [before] = (await c.submitJob({ tasks: [task('whereAmI')] }).result) as number[];
    const spinning = c.submitJob({ tasks: [task('forever')] });
    await firstChange(spinning, (change) => change.state === 'RUNNING');
    await spinning.cancel();
    await spinning.result.catch(() => {});
    const [after] = (await c.submitJob({ tasks: [task('whereAmI')] }).result) as number[];
    expect(after).to.be.a('number').and.not.equal(before);
  });

  it('keeps its jobs and TaskExecutors while the user blocks the main thread for twice the heartbeat timeout', async () => {
    const c = await startCluster({
      taskExecutors: 2,
      config: { 'heartbeat.interval': '200 ms', 'heartbeat.timeout': '1 s' },
    });
    const exits: unknown[] = [];
    c.on('taskExecutorExited', (exit) => exits.push(exit));
    const job = c.submitJob({ tasks: [task('doubleAfter', 1, 300), task('doubleAfter', 2, 300)] });
    await firstChange(job, (change) => change.state === 'RUNNING');
    // The user's own code hogs this thread; the cluster's threads go on without it.
    const until = Date.now() + 2000;
    while (Date.now() < until);
    expect(await job.result).to.deep.equal([2, 4]);
    expect(job.progress().failedAttempts).to.equal(0);
    expect(exits).to.deep.equal([]);
    const rm = await c.resourceManagerGateway();
    expect(await rm.getNumberOfRegisteredTaskManagers()).to.equal(2);
  });

  it('leaves no worker running once the cluster is closed, even with a job still running', async () => {
    const c = await startCluster({ taskExecutors: 2 });
    const job = c.submitJob({ tasks: [task('forever'), task('forever')] });
    await firstChange(job, (change) => change.state === 'RUNNING');
    await c.closeAsync();
    cluster = undefined;
    const error = await job.result.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect(liveWorkerCount()).to.equal(0);
  });
});
