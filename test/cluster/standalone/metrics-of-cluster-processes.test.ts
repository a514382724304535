// Metrics across real processes: a jobmanager and a taskmanager, each with its
// Prometheus reporter at the port its YAML config gives (metrics.reporter.prom.port),
// on 127.0.0.1. The jobmanager serves its own metrics, the taskmanager its
// TaskExecutor threads' (as Flink's processes each do), and a client gathers a
// TaskExecutor's dump from the other process through the ResourceManager.

import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterClient } from '../../../src/cluster/client/cluster-client.js';
import { ResourceID } from '../../../src/runtime/types/ids.js';
import { eventuallyAsync } from '../../support/eventually-async.js';
import { httpGet, parsePrometheusText } from '../../support/prometheus-text.js';
import { freePort, kClusterTasks, TestingCluster } from './testing-cluster.js';

describe('metrics of a standalone cluster of real processes', function () {
  this.timeout(60_000);
  let cluster: TestingCluster;
  let client: ClusterClient;
  let jobManagerPort: number;
  let taskManagerPort: number;
  let resourceIds: string[];

  before(async () => {
    [jobManagerPort, taskManagerPort] = await Promise.all([freePort(), freePort()]);
    cluster = await TestingCluster.create({ 'metrics.reporter.prom.port': String(jobManagerPort) });
    await cluster.startJobManager();
    const taskManagerConfig = join(cluster.dir, 'taskmanager.yaml');
    await writeFile(
      taskManagerConfig,
      `blob.storage.directory: ${JSON.stringify(join(cluster.dir, 'tm-blobs'))}\n` +
        `metrics.reporter.prom.port: "${taskManagerPort}"\n`,
    );
    ({ resourceIds } = await cluster.startTaskManager(2, 1, { configFile: taskManagerConfig }));
    client = await cluster.client();
    await cluster.awaitTaskExecutors(client, resourceIds);
  });

  after(async () => {
    await cluster?.close();
  });

  it("serves each process's metrics: the jobmanager's own, the taskmanager's TaskExecutor threads'", async () => {
    const run = await cluster.runCli([
      'run',
      kClusterTasks,
      '--export',
      'square',
      '--tasks',
      '4',
      '--jobmanager',
      cluster.jobManagerAddress,
    ]);
    expect(run.code, run.stderr).to.equal(0);

    const jm = parsePrometheusText((await httpGet(`http://127.0.0.1:${jobManagerPort}/metrics`)).body);
    expect(
      jm.filter((s) => s.name === 'flink_jobmanager_numRegisteredTaskManagers').map((s) => s.value),
    ).to.deep.equal([2]);
    expect(jm.some((s) => s.name.startsWith('flink_taskmanager_'))).to.equal(false);

    let tm = parsePrometheusText((await httpGet(`http://127.0.0.1:${taskManagerPort}/metrics`)).body);
    // A task's FINISHED reaches the JobMaster before the TaskExecutor's own count moves on: wait for all four.
    await eventuallyAsync(async () => {
      tm = parsePrometheusText((await httpGet(`http://127.0.0.1:${taskManagerPort}/metrics`)).body);
      const finished = tm.filter((s) => s.name === 'flink_taskmanager_numTasksFinished');
      return finished.reduce((sum, s) => sum + s.value, 0) === 4;
    }, 'four finished tasks in the taskmanager');
    const heap = tm.filter((s) => s.name === 'flink_taskmanager_Status_Node_Memory_Heap_Used');
    expect(heap.map((s) => s.labels.tm_id).sort()).to.deep.equal([...resourceIds].sort());
    expect(tm.some((s) => s.name.startsWith('flink_jobmanager_'))).to.equal(false);
  });

  it("gathers a TaskExecutor's dump from its process through the ResourceManager", async () => {
    const dump = await client.requestTaskManagerMetrics(ResourceID.of(resourceIds[0]!));
    const asksIn = dump.dumps.find(
      (d) => d.name === 'numAsksIn' && d.scope.logicalScope === 'taskmanager.Status.Rpc',
    );
    expect(asksIn?.category).to.equal('gauge');
    expect(asksIn?.scope.variables.tm_id).to.equal(resourceIds[0]);
    expect(asksIn?.category === 'gauge' ? asksIn.value : 0).to.be.greaterThan(0);
  });
});
