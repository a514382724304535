// The Prometheus reporter of a MiniCluster configured with
// metrics.reporter.prom.port: its text, fetched over a real socket on
// 127.0.0.1, parses line by line and has Flink-style names with tm_id and
// job labels, for the jobmanager thread and every TaskExecutor thread.

import { expect } from 'chai';

import { MiniCluster } from '../../src/cluster/mini-cluster.js';
import { httpGet, parsePrometheusText, type PrometheusSample } from '../support/prometheus-text.js';

const kTasks = new URL('./tasks/job-tasks.js', import.meta.url).href;

function named(samples: readonly PrometheusSample[], name: string): PrometheusSample[] {
  return samples.filter((s) => s.name === name);
}

describe('The Prometheus reporter of a MiniCluster', function () {
  this.timeout(30_000);
  let cluster: MiniCluster | undefined;
  afterEach(async () => {
    await cluster?.closeAsync();
    cluster = undefined;
  });

  it('serves text that parses, with the jobmanager and taskmanager metrics under Flink-style names', async () => {
    const c = (cluster = await MiniCluster.start({
      taskExecutors: 2,
      slotsPerTaskExecutor: 2,
      config: { 'metrics.reporter.prom.port': '0' },
    }));
    await c.waitUntilTaskExecutorsRegistered(2);
    const tasks = Array.from({ length: 5 }, (_, i) => ({ module: kTasks, export: 'double', args: [i] }));
    await c.submitJob({ name: 'doubles', tasks }).result;
    const port = c.getPrometheusReporterPort();
    expect(port).to.be.a('number');

    const { status, contentType, body } = await httpGet(`http://127.0.0.1:${port}/metrics`);
    expect(status).to.equal(200);
    expect(contentType).to.match(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheusText(body);

    expect(named(samples, 'flink_jobmanager_numRegisteredTaskManagers').map((s) => s.value)).to.deep.equal([
      2,
    ]);
    expect(named(samples, 'flink_jobmanager_taskSlotsTotal').map((s) => s.value)).to.deep.equal([4]);
    expect(named(samples, 'flink_jobmanager_Status_Node_Memory_Heap_Used')[0]!.value).to.be.greaterThan(0);
    const tmIds = c
      .getTaskExecutors()
      .map((te) => te.resourceId as string)
      .sort();
    const heap = named(samples, 'flink_taskmanager_Status_Node_Memory_Heap_Used');
    expect(heap.map((s) => s.labels.tm_id).sort()).to.deep.equal(tmIds);
    expect(heap.every((s) => s.value > 0 && s.labels.host !== undefined)).to.equal(true);
    const finished = named(samples, 'flink_taskmanager_numTasksFinished');
    expect(finished.reduce((sum, s) => sum + s.value, 0)).to.equal(5);
    const p99 = named(samples, 'flink_taskmanager_taskDuration').filter((s) => s.labels.quantile === '0.99');
    expect(p99).to.have.length(2);
    expect(
      named(samples, 'flink_taskmanager_taskDuration_count').reduce((sum, s) => sum + s.value, 0),
    ).to.equal(5);
    expect(named(samples, 'flink_taskmanager_Status_Rpc_numAsksIn')).to.have.length(2);
    expect(named(samples, 'flink_taskmanager_Status_Node_EventLoop_Utilization')).to.have.length(2);
    expect(
      named(samples, 'flink_jobmanager_tm_id_timeSinceLastHeartbeat')
        .map((s) => s.labels.tm_id)
        .sort(),
    ).to.deep.equal(tmIds);
  });

  it('has no reporter unless metrics.reporter.prom.port is set', async () => {
    const c = (cluster = await MiniCluster.start({ taskExecutors: 1 }));
    expect(c.getPrometheusReporterPort()).to.equal(undefined);
  });
});
