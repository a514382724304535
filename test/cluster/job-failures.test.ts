// The failures users hit, end to end on a MiniCluster: a TaskExecutor killed
// under a running task uses none of the job's restart attempts; a job that no
// slot can serve fails after slot.request.timeout with a coded error; arguments
// too large for a message are refused at submitJob; after a cancel, the tasks
// that never got a slot count as CANCELED, not as waiting.

import { expect } from 'chai';

import type { JobClient } from '../../src/cluster/job-client.js';
import { MiniCluster } from '../../src/cluster/mini-cluster.js';
import {
  InvalidJobError,
  JobCancellationError,
  NoResourceAvailableError,
} from '../../src/runtime/jobmaster/job-master-errors.js';
import type { ResourceID } from '../../src/runtime/types/ids.js';
import type { TaskStateChange } from '../../src/runtime/types/job-result.js';

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

describe('Job failures on a MiniCluster', function () {
  this.timeout(30_000);
  let cluster: MiniCluster | undefined;

  afterEach(async () => {
    await cluster?.closeAsync();
    cluster = undefined;
  });

  async function startCluster(options: Parameters<typeof MiniCluster.start>[0]): Promise<MiniCluster> {
    cluster = await MiniCluster.start(options);
    await cluster.waitUntilTaskExecutorsRegistered();
    return cluster;
  }

  it('finishes a job without restart attempts whose TaskExecutor is killed while its task runs', async () => {
    const c = await startCluster({ taskExecutors: 2 });
    const job = c.submitJob({ tasks: [task('spin', 300, 'survived')] });
    const changes: TaskStateChange[] = [];
    job.on('progress', (change) => changes.push(change));
    const running = await firstChange(job, (change) => change.state === 'RUNNING');

    await c.terminateTaskExecutor(running.resourceId as ResourceID);

    expect(await job.result).to.deep.equal(['survived']);
    expect(job.progress()).to.include({ failedAttempts: 0, finished: 1 });
    const lost = changes.find((change) => change.state === 'FAILED');
    expect(lost).to.include({ attemptNumber: 0, lost: true, resourceId: running.resourceId });
    expect(changes.at(-1)).to.include({ state: 'FINISHED', attemptNumber: 1 });
  });

  it('fails a job that no TaskExecutor serves after slot.request.timeout with ERR_NO_RESOURCE_AVAILABLE', async () => {
    const c = await startCluster({ taskExecutors: 0, config: { 'slot.request.timeout': '300 ms' } });
    const job = c.submitJob({ name: 'nowhere', tasks: [task('double', 1), task('double', 2)] });

    const error = (await job.result.catch((e: unknown) => e)) as NoResourceAvailableError;

    expect(error).to.be.instanceOf(NoResourceAvailableError);
    expect(error.code).to.equal('ERR_NO_RESOURCE_AVAILABLE');
    expect(error.message).to.include("Job 'nowhere'").and.include('no slots were available');
    expect(job.status()).to.equal('FAILED');
    expect(job.progress()).to.include({ waiting: 0, canceled: 2, failedAttempts: 0 });
  });

  it('fails a job whose every TaskExecutor is lost, with active resource management off, after slot.request.timeout', async () => {
    const c = await startCluster({
      taskExecutors: 1,
      activeResourceManagement: false,
      config: { 'slot.request.timeout': '500 ms' },
    });
    const job = c.submitJob({ tasks: [task('forever')] });
    const running = await firstChange(job, (change) => change.state === 'RUNNING');

    await c.terminateTaskExecutor(running.resourceId as ResourceID);

    const error = await job.result.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NoResourceAvailableError);
    expect(job.progress()).to.include({ waiting: 0, canceled: 1, failedAttempts: 0 });
  });

  it('refuses arguments over the frame limit at submitJob with ERR_INVALID_JOB, naming the task and its size', async () => {
    const c = await startCluster({ taskExecutors: 0, rpc: { maxFrameBytes: 256 * 1024 } });
    const tasks = [task('double', 1), task('double', new Uint8Array(300 * 1024))];

    expect(() => c.submitJob({ tasks }))
      .to.throw(
        InvalidJobError,
        /^Task 1 takes \d+ bytes with its arguments, more than one message may carry/,
      )
      .with.property('code', 'ERR_INVALID_JOB');
  });

  it('shows no waiting task after a cancel: the tasks that never got a slot are CANCELED, each with an event', async () => {
    const c = await startCluster({ taskExecutors: 1, slotsPerTaskExecutor: 1 });
    const job = c.submitJob({ tasks: [task('forever'), task('double', 1), task('double', 2)] });
    const canceled: number[] = [];
    job.on('progress', (change) => change.state === 'CANCELED' && canceled.push(change.taskIndex));
    await firstChange(job, (change) => change.state === 'RUNNING');

    await job.cancel();

    expect(await job.result.catch((e: unknown) => e)).to.be.instanceOf(JobCancellationError);
    expect(job.progress()).to.include({ total: 3, waiting: 0, deploying: 0, running: 0, canceled: 3 });
    expect(canceled).to.have.members([0, 1, 2]);
  });

  it('starts in spite of a config key no option knows (it only warns)', async () => {
    const c = await startCluster({ taskExecutors: 1, config: { 'heartbeat.intervall': '1 s' } });

    expect(await c.submitJob({ tasks: [task('double', 4)] }).result).to.deep.equal([8]);
  });
});
