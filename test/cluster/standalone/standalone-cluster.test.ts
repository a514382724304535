// A standalone cluster of real processes on 127.0.0.1: `threadlink jobmanager`,
// `threadlink taskmanager --jobmanager HOST:PORT` and `threadlink run|list|cancel
// --jobmanager HOST:PORT`, as a user starts them. Task code reaches the
// taskmanagers through the BlobServer; a taskmanager that dies is dropped within
// a second (death watch, not a 50 s heartbeat timeout) and its tasks move without
// using a restart attempt; a stopped one says goodbye first.

import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterClient } from '../../../src/cluster/client/cluster-client.js';
import type { ClusterProcess } from '../../support/cluster-process.js';
import { eventuallyAsync } from '../../support/eventually-async.js';
import { kClusterTasks, TestingCluster } from './testing-cluster.js';

interface SquareResult {
  readonly i: number;
  readonly square: number;
  readonly pid: number;
}

function expectSquares(results: unknown, count: number): SquareResult[] {
  const squares = results as SquareResult[];
  expect(squares.map(({ i, square }) => [i, square])).to.deep.equal(
    Array.from({ length: count }, (_, i) => [i, i * i]),
  );
  return squares;
}

describe('a standalone cluster: one jobmanager and two taskmanager processes', function () {
  this.timeout(60_000);
  let cluster: TestingCluster;
  let client: ClusterClient;
  let tm1: { process: ClusterProcess; resourceIds: string[] };
  let tm2: { process: ClusterProcess; resourceIds: string[] };

  before(async () => {
    cluster = await TestingCluster.create();
    await cluster.startJobManager();
    [tm1, tm2] = await Promise.all([cluster.startTaskManager(2, 2), cluster.startTaskManager(2, 2)]);
    client = await cluster.client();
    await cluster.awaitTaskExecutors(client, [...tm1.resourceIds, ...tm2.resourceIds]);
  });

  after(async () => {
    await cluster?.close();
  });

  it('runs a job of 16 tasks submitted with `threadlink run --jobmanager`, with correct results', async () => {
    const run = await cluster.runCli([
      'run',
      kClusterTasks,
      '--export',
      'square',
      '--tasks',
      '16',
      '--jobmanager',
      cluster.jobManagerAddress,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const squares = expectSquares(JSON.parse(run.stdout), 16);
    const pids = new Set([tm1.process.pid, tm2.process.pid]);
    for (const { pid } of squares) expect(pids.has(pid)).to.equal(true);
  });

  it('runs a module that only the submitting process has, shipped through the BlobServer', async () => {
    const own = join(cluster.dir, 'client-only', `${Date.now()}`);
    await mkdir(own, { recursive: true });
    await writeFile(join(own, 'helper.mjs'), 'export const twice = (x) => 2 * x;\n');
    await writeFile(
      join(own, 'job.mjs'),
      "import { twice } from './helper.mjs';\nexport default (i) => ({ twice: twice(i), url: import.meta.url });\n",
    );
    const run = await cluster.runCli([
      'run',
      join(own, 'job.mjs'),
      '--tasks',
      '4',
      '--jobmanager',
      cluster.jobManagerAddress,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const results = JSON.parse(run.stdout) as { twice: number; url: string }[];
    expect(results.map(({ twice }) => twice)).to.deep.equal([0, 2, 4, 6]);
    // The taskmanagers ran their BlobCache's copy, not the file in the client's directory.
    for (const { url } of results) {
      expect(url).to.match(/blobStore-[0-9a-f-]+\/job_[0-9a-f]+\/blob_[0-9a-f]{64}\.mjs/);
      expect(url).not.to.contain(own);
    }
  });

  it('lists and cancels jobs with `threadlink list` and `threadlink cancel`', async () => {
    const job = client.submitJob({
      name: 'to cancel',
      tasks: [{ module: kClusterTasks, export: 'slowSquare', args: [1, 60_000] }],
    });
    await eventuallyAsync(() => job.progress().running === 1, 'the task to run');
    const listed = await cluster.runCli(['list', '--jobmanager', cluster.jobManagerAddress]);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.match(new RegExp(`^${job.jobId}  RUNNING +\\S+  to cancel$`, 'm'));
    const cancelled = await cluster.runCli(['cancel', job.jobId, '--jobmanager', cluster.jobManagerAddress]);
    expect(cancelled.code, cancelled.stderr).to.equal(0);
    const error = await job.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.include({ code: 'ERR_JOB_CANCELLED' });
    const unknown = await cluster.runCli([
      'cancel',
      'f'.repeat(32),
      '--jobmanager',
      cluster.jobManagerAddress,
    ]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('ERR_JOB_NOT_FOUND');
  });

  it('drops the TaskExecutors of a SIGKILLed taskmanager within 1 s, and the job finishes elsewhere without a restart attempt', async () => {
    const job = client.submitJob({
      name: 'survives a kill',
      tasks: Array.from({ length: 16 }, (_, i) => ({
        module: kClusterTasks,
        export: 'slowSquare',
        args: [i, 300],
      })),
      restart: { attempts: 0 },
    });
    const onVictim = new Set(tm2.resourceIds);
    let runningThere = false;
    job.on('progress', (change) => {
      if (change.state === 'RUNNING' && change.resourceId && onVictim.has(change.resourceId))
        runningThere = true;
    });
    await eventuallyAsync(() => runningThere, 'a task running on the second taskmanager');
    const killed = performance.now();
    await tm2.process.kill('SIGKILL');
    await cluster.awaitTaskExecutors(client, tm1.resourceIds, 5000);
    const dropMs = performance.now() - killed;
    expect(dropMs).to.be.below(1000);
    const squares = expectSquares(await job.result, 16);
    expect(squares.filter(({ pid }) => pid === tm2.process.pid).length).to.be.below(16);
    expect(job.progress().failedAttempts).to.equal(0);
  });

  it('stops a taskmanager gracefully on SIGTERM: it leaves at once, and its tasks move to another', async () => {
    const tm3 = await cluster.startTaskManager(1, 2);
    await cluster.awaitTaskExecutors(client, [...tm1.resourceIds, ...tm3.resourceIds]);
    const job = client.submitJob({
      name: 'survives a stop',
      tasks: Array.from({ length: 8 }, (_, i) => ({
        module: kClusterTasks,
        export: 'slowSquare',
        args: [i, 300],
      })),
      restart: { attempts: 0 },
    });
    const onLeaver = new Set(tm1.resourceIds);
    let runningThere = false;
    job.on('progress', (change) => {
      if (change.state === 'RUNNING' && change.resourceId && onLeaver.has(change.resourceId))
        runningThere = true;
    });
    await eventuallyAsync(() => runningThere, 'a task running on the first taskmanager');
    tm1.process.signal('SIGTERM');
    expect((await tm1.process.exited).code).to.equal(0);
    await cluster.awaitTaskExecutors(client, tm3.resourceIds, 2000);
    expectSquares(await job.result, 8);
    expect(job.progress().failedAttempts).to.equal(0);
  });
});
