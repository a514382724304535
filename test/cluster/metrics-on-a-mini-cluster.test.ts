// Metrics end to end on a MiniCluster: the TaskExecutors' dumps, gathered from
// their worker threads through the ResourceManager, count the tasks that ran
// and failed and the asks that flowed; the jobmanager's dump has the slots,
// the registered TaskManagers and each job's restarts; TaskManagerInfo carries
// the heap and event-loop figures of each TaskExecutor's last heartbeat.

import { expect } from 'chai';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MiniCluster } from '../../src/cluster/mini-cluster.js';
import { UnknownTaskExecutorError } from '../../src/runtime/resourcemanager/resource-manager-errors.js';
import type { MetricDump, MetricDumpSnapshot } from '../../src/runtime/metrics/metric-dump.js';
import { ResourceID } from '../../src/runtime/types/ids.js';
import { eventuallyAsync } from '../support/eventually-async.js';

const kTasks = new URL('./tasks/job-tasks.js', import.meta.url).href;

function task(exportName: string, ...args: unknown[]) {
  return { module: kTasks, export: exportName, args };
}

function find(snapshot: MetricDumpSnapshot, logicalScope: string, name: string): MetricDump[] {
  return snapshot.dumps.filter((d) => d.scope.logicalScope === logicalScope && d.name === name);
}

function valueOf(dump: MetricDump | undefined): number {
  if (!dump) return NaN;
  switch (dump.category) {
    case 'counter':
    case 'histogram':
      return dump.count;
    case 'gauge':
      return dump.value;
    case 'meter':
      return dump.rate;
  }
}

function sum(snapshots: readonly MetricDumpSnapshot[], logicalScope: string, name: string): number {
  return snapshots.reduce((total, s) => total + valueOf(find(s, logicalScope, name)[0]), 0);
}

describe('Metrics on a MiniCluster', function () {
  this.timeout(30_000);
  let cluster: MiniCluster | undefined;
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'threadlink-metrics-'));
  });

  afterEach(async () => {
    await cluster?.closeAsync();
    cluster = undefined;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('counts finished and failed tasks, their durations and the asks, in dumps gathered from the TaskExecutor threads', async () => {
    const c = (cluster = await MiniCluster.start({ taskExecutors: 2, slotsPerTaskExecutor: 2 }));
    await c.waitUntilTaskExecutorsRegistered(2);
    const rm = await c.resourceManagerGateway();
    const ids = c.getTaskExecutors().map((te) => te.resourceId);
    const before = await Promise.all(ids.map((id) => rm.requestTaskManagerMetrics(id, 5000)));
    expect(sum(before, 'taskmanager', 'numTasksFinished')).to.equal(0);

    await c.submitJob({ tasks: Array.from({ length: 6 }, (_, i) => task('double', i)) }).result;
    const failing = c.submitJob({
      tasks: [task('failOnce', join(scratch, 'marker'), 1)],
      restart: { attempts: 2, delayMs: 0 },
    });
    expect(await failing.result).to.deep.equal([1]);

    const after = await Promise.all(ids.map((id) => rm.requestTaskManagerMetrics(id, 5000)));
    expect(sum(after, 'taskmanager', 'numTasksFinished')).to.equal(7);
    expect(sum(after, 'taskmanager', 'numTasksFailed')).to.equal(1);
    expect(sum(after, 'taskmanager', 'numTasksRunning')).to.equal(0);
    expect(sum(after, 'taskmanager', 'taskDuration')).to.equal(8);
    // Each task's state update is an ask or tell from the TaskExecutor to its JobMaster.
    expect(sum(after, 'taskmanager.Status.Rpc', 'numAsksIn')).to.be.greaterThan(
      sum(before, 'taskmanager.Status.Rpc', 'numAsksIn'),
    );
    expect(
      sum(after, 'taskmanager.Status.Rpc', 'numAsksOut') +
        sum(after, 'taskmanager.Status.Rpc', 'numTellsOut'),
    ).to.be.greaterThan(
      sum(before, 'taskmanager.Status.Rpc', 'numAsksOut') +
        sum(before, 'taskmanager.Status.Rpc', 'numTellsOut'),
    );
    for (const snapshot of after) {
      const [heap] = find(snapshot, 'taskmanager.Status.Node.Memory.Heap', 'Used');
      expect(valueOf(heap)).to.be.greaterThan(0);
      expect(heap!.scope.variables.tm_id).to.be.oneOf(ids);
      expect(heap!.scope.scope).to.match(/\.taskmanager\./);
    }
  });

  it("dumps the jobmanager's slots, registered TaskManagers and a job's restarts", async () => {
    const c = (cluster = await MiniCluster.start({ taskExecutors: 2, slotsPerTaskExecutor: 2 }));
    await c.waitUntilTaskExecutorsRegistered(2);
    const rm = await c.resourceManagerGateway();
    // The restart waits a minute: the job's group (closed with its JobMaster) is read meanwhile.
    const job = c.submitJob({
      name: 'flaky',
      tasks: [task('failOnce', join(scratch, 'marker'), 5)],
      restart: { attempts: 2, delayMs: 60_000 },
    });
    let restarts = NaN;
    await eventuallyAsync(async () => {
      const dump = await rm.requestJobManagerMetricDump(5000);
      const [numRestarts] = find(dump, 'jobmanager.job', 'numRestarts');
      restarts = valueOf(numRestarts);
      if (numRestarts) expect(numRestarts.scope.variables.job_name).to.equal('flaky');
      return restarts >= 1;
    }, 'numRestarts ≥ 1');
    expect(restarts).to.equal(1);
    await job.cancel();
    await job.result.catch(() => {});

    let dump = await rm.requestJobManagerMetricDump(5000);
    // The canceled job's slot comes back through the TaskExecutor's notifySlotAvailable.
    await eventuallyAsync(async () => {
      dump = await rm.requestJobManagerMetricDump(5000);
      return valueOf(find(dump, 'jobmanager', 'taskSlotsAvailable')[0]) === 4;
    }, 'every slot free');
    expect(valueOf(find(dump, 'jobmanager', 'numRegisteredTaskManagers')[0])).to.equal(2);
    expect(valueOf(find(dump, 'jobmanager', 'taskSlotsTotal')[0])).to.equal(4);
    expect(valueOf(find(dump, 'jobmanager', 'taskSlotsAvailable')[0])).to.equal(4);
    expect(valueOf(find(dump, 'jobmanager', 'taskSlotsActive')[0])).to.equal(0);
    expect(find(dump, 'jobmanager.tm_id', 'timeSinceLastHeartbeat')).to.have.length(2);
    expect(valueOf(find(dump, 'jobmanager.Status.Node.Memory.Heap', 'Used')[0])).to.be.greaterThan(0);
    expect(find(dump, 'jobmanager.job', 'numRestarts')).to.deep.equal([]);
  });

  it('answers an unknown TaskExecutor id with UnknownTaskExecutorError', async () => {
    const c = (cluster = await MiniCluster.start({ taskExecutors: 1 }));
    await c.waitUntilTaskExecutorsRegistered(1);
    const rm = await c.resourceManagerGateway();
    const error = await rm.requestTaskManagerMetrics(ResourceID.of('nobody'), 5000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UnknownTaskExecutorError);
    expect((error as UnknownTaskExecutorError).code).to.equal('ERR_UNKNOWN_TASK_EXECUTOR');
  });

  it("shows each TaskExecutor's heap and event-loop load in TaskManagerInfo once it has sent a heartbeat", async () => {
    const c = (cluster = await MiniCluster.start({
      taskExecutors: 2,
      config: { 'heartbeat.interval': '100 ms' },
    }));
    await c.waitUntilTaskExecutorsRegistered(2);
    const rm = await c.resourceManagerGateway();
    let infos = await rm.requestTaskManagerInfo(5000);
    await eventuallyAsync(async () => {
      infos = await rm.requestTaskManagerInfo(5000);
      return infos.every((i) => i.heapUsedBytes > 0);
    }, 'a heartbeat from each TaskExecutor');
    for (const info of infos) {
      expect(info.heapTotalBytes).to.be.at.least(info.heapUsedBytes);
      expect(info.eventLoopUtilization).to.be.within(0, 1);
      expect(info.timeSinceLastHeartbeatMs).to.be.within(0, 10_000);
    }
  });

  it('keeps no metrics with metrics.enabled: false, and the jobs still run', async () => {
    const c = (cluster = await MiniCluster.start({ taskExecutors: 1, config: { 'metrics.enabled': false } }));
    await c.waitUntilTaskExecutorsRegistered(1);
    const rm = await c.resourceManagerGateway();
    expect(await c.submitJob({ tasks: [task('double', 2)] }).result).to.deep.equal([4]);
    const [te] = c.getTaskExecutors();
    expect((await rm.requestTaskManagerMetrics(te!.resourceId, 5000)).dumps).to.deep.equal([]);
    expect((await rm.requestJobManagerMetricDump(5000)).dumps).to.deep.equal([]);
  });
});
