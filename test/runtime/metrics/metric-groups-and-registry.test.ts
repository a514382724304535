// Metric groups, their scopes and variables, the registry they register in,
// and the dumps made of it — after Flink's TaskManagerGroupTest,
// TaskManagerJobGroupTest, TaskMetricGroupTest, AbstractMetricGroupTest and
// MetricQueryServiceTest.

import { expect } from 'chai';

import {
  JobManagerMetricGroup,
  TaskManagerMetricGroup,
} from '../../../src/runtime/metrics/component-metric-groups.js';
import { DescriptiveStatisticsHistogram } from '../../../src/runtime/metrics/descriptive-statistics-histogram.js';
import { MeterView } from '../../../src/runtime/metrics/meter-view.js';
import type { MetricDump } from '../../../src/runtime/metrics/metric-dump.js';
import { createMetricDump } from '../../../src/runtime/metrics/metric-query-service.js';
import { MetricRegistryImpl, NoOpMetricRegistry } from '../../../src/runtime/metrics/metric-registry.js';
import { prometheusRegistryOf } from '../../../src/runtime/metrics/prometheus/prometheus-registry-of-dumps.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';

function names(registry: MetricRegistryImpl): string[] {
  return [...registry.registeredMetrics()].map(({ name, group }) =>
    [...group.getScopeComponents(), name].join('.'),
  );
}

describe('Metric groups and the registry', () => {
  it("scope TaskManager, job and task groups with Flink's default formats and variables (testGenerateScopeDefault)", () => {
    const registry = new MetricRegistryImpl();
    const tm = new TaskManagerMetricGroup(registry, 'theHost', 'tm-1');
    const task = tm.addTask('job-1', 'myJob', 'exec-1', 'aTask', 3, 0);
    expect(tm.getScopeComponents()).to.deep.equal(['theHost', 'taskmanager', 'tm-1']);
    expect(task.getScopeComponents()).to.deep.equal([
      'theHost',
      'taskmanager',
      'tm-1',
      'myJob',
      'aTask',
      '3',
    ]);
    expect(task.getLogicalScope()).to.equal('taskmanager.job.task');
    expect(task.getAllVariables()).to.deep.equal({
      host: 'theHost',
      tm_id: 'tm-1',
      job_id: 'job-1',
      job_name: 'myJob',
      task_attempt_id: 'exec-1',
      task_name: 'aTask',
      subtask_index: '3',
      attempt_num: '0',
    });
    expect(task.getMetricIdentifier('uptime')).to.equal('theHost.taskmanager.tm-1.myJob.aTask.3.uptime');
    const jm = new JobManagerMetricGroup(registry, '127.0.0.1');
    expect(jm.getMetricIdentifier('numRegisteredTaskManagers')).to.equal(
      '127.0.0.1.jobmanager.numRegisteredTaskManagers',
    );
    expect(jm.addJob('job-1', 'myJob').getScopeComponents()).to.deep.equal([
      '127.0.0.1',
      'jobmanager',
      'myJob',
    ]);
  });

  it('registers metrics, keeps the first of two with one name, and unregisters a closed group with its subgroups', () => {
    const registry = new MetricRegistryImpl();
    const tm = new TaskManagerMetricGroup(registry, 'h', 'tm');
    const first = tm.counter('numTasks');
    tm.counter('numTasks');
    tm.addGroup('Status')
      .addGroup('Node')
      .gauge('x', () => 1);
    tm.addGroup('tm_id', 'other').gauge('timeSinceLastHeartbeat', () => 2);
    expect(names(registry)).to.deep.equal([
      'h.taskmanager.tm.numTasks',
      'h.taskmanager.tm.Status.Node.x',
      'h.taskmanager.tm.tm_id.other.timeSinceLastHeartbeat',
    ]);
    expect([...registry.registeredMetrics()][0]!.metric).to.equal(first);
    tm.close();
    expect(registry.size()).to.equal(0);
    tm.counter('late');
    expect(registry.size()).to.equal(0);
  });

  it("closes a TaskManager's job group with its last task (testCloseWithoutTasks)", () => {
    const registry = new MetricRegistryImpl();
    const tm = new TaskManagerMetricGroup(registry, 'h', 'tm');
    const a = tm.addTask('job', 'job', 'a', 't', 0, 0);
    const b = tm.addTask('job', 'job', 'b', 't', 1, 0);
    a.gauge('uptime', () => 1);
    b.gauge('uptime', () => 2);
    a.close();
    expect(names(registry)).to.deep.equal(['h.taskmanager.tm.job.t.1.uptime']);
    b.close();
    expect(registry.size()).to.equal(0);
    // A task of the same job afterwards gets a new, open job group.
    tm.addTask('job', 'job', 'c', 't', 0, 1).gauge('uptime', () => 3);
    expect(names(registry)).to.deep.equal(['h.taskmanager.tm.job.t.0.uptime']);
  });

  it('keeps nothing with a NoOpMetricRegistry, while the metrics still work for their owner', () => {
    const tm = new TaskManagerMetricGroup(NoOpMetricRegistry.INSTANCE, 'h', 'tm');
    const counter = tm.counter('c');
    counter.inc();
    expect(counter.getCount()).to.equal(1);
    expect([...NoOpMetricRegistry.INSTANCE.registeredMetrics()]).to.deep.equal([]);
    expect(createMetricDump(NoOpMetricRegistry.INSTANCE).dumps).to.deep.equal([]);
  });

  it('dumps every kind as structured-clone-safe data, leaving out a gauge that throws (MetricQueryServiceTest)', () => {
    const registry = new MetricRegistryImpl();
    const tm = new TaskManagerMetricGroup(registry, 'h', 'tm');
    tm.counter('c').inc(3);
    tm.gauge('g', () => 7);
    tm.gauge('broken', () => {
      throw new Error('no');
    });
    const histogram = tm.histogram('hist', new DescriptiveStatisticsHistogram(100));
    for (let i = 1; i <= 100; i++) histogram.update(i);
    tm.meter('m', new MeterView(60));
    const snapshot = createMetricDump(registry, () => 42);
    expect(structuredClone(snapshot)).to.deep.equal(snapshot);
    expect(snapshot.timestamp).to.equal(42);
    const byName = new Map<string, MetricDump>(snapshot.dumps.map((d) => [d.name, d]));
    expect([...byName.keys()]).to.deep.equal(['c', 'g', 'hist', 'm']);
    expect(byName.get('c')).to.deep.include({ category: 'counter', count: 3 });
    expect(byName.get('g')).to.deep.include({ category: 'gauge', value: 7 });
    expect(byName.get('hist')).to.deep.include({
      category: 'histogram',
      count: 100,
      min: 1,
      max: 100,
      median: 50.5,
    });
    expect(byName.get('m')).to.deep.include({ category: 'meter', rate: 0, count: 0 });
    expect(byName.get('c')!.scope).to.deep.equal({
      logicalScope: 'taskmanager',
      scope: 'h.taskmanager.tm',
      variables: { host: 'h', tm_id: 'tm' },
    });
  });

  it("writes dumps in Prometheus's format under Flink's names, with variables as labels", async () => {
    const registry = new MetricRegistryImpl();
    const tm = new TaskManagerMetricGroup(registry, 'h', 'tm-1');
    tm.addGroup('Status')
      .addGroup('Node')
      .addGroup('Memory')
      .addGroup('Heap')
      .gauge('Used', () => 1024);
    const histogram = tm.histogram('taskDuration', new DescriptiveStatisticsHistogram(10));
    histogram.update(4);
    tm.addTask('job-1', 'my job', 'e', 'task "quoted"', 0, 0).gauge('uptime', () => 5);
    const text = await prometheusRegistryOf([createMetricDump(registry)]).metrics();
    const samples = parsePrometheusText(text);
    expect(samples).to.deep.include({
      name: 'flink_taskmanager_Status_Node_Memory_Heap_Used',
      labels: { host: 'h', tm_id: 'tm-1' },
      value: 1024,
    });
    expect(samples).to.deep.include({
      name: 'flink_taskmanager_taskDuration',
      labels: { host: 'h', tm_id: 'tm-1', quantile: '0.99' },
      value: 4,
    });
    expect(samples).to.deep.include({
      name: 'flink_taskmanager_taskDuration_count',
      labels: { host: 'h', tm_id: 'tm-1' },
      value: 1,
    });
    const uptime = samples.find((s) => s.name === 'flink_taskmanager_job_task_uptime');
    expect(uptime?.labels).to.deep.include({
      job_id: 'job-1',
      job_name: 'my job',
      task_name: 'task "quoted"',
    });
  });
});
