// `threadlink jobmanager --rest-port 0` serves the REST API and the dashboard
// (Flink's WebMonitorEndpoint in the ClusterEntrypoint): it prints their URL,
// counts the taskmanager processes' TaskExecutors and slots, fetches a
// TaskExecutor's log from its process, and `threadlink list|cancel --rest`
// read and steer the cluster through it.

import { expect } from 'chai';
import type { ClusterClient } from '../../../src/cluster/client/cluster-client.js';
import type { ClusterOverviewWithVersion } from '../../../src/runtime/rest/messages/cluster-overview.js';
import type { TaskManagersInfo } from '../../../src/runtime/rest/messages/task-managers-info.js';
import { eventuallyAsync } from '../../support/eventually-async.js';
import { kClusterTasks, TestingCluster } from './testing-cluster.js';

describe('the jobmanager process serves the REST API and the dashboard', function () {
  this.timeout(60_000);
  let cluster: TestingCluster;
  let client: ClusterClient;
  let resourceIds: string[];

  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${cluster.restUrl}${path}`);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as T;
  };

  before(async () => {
    cluster = await TestingCluster.create();
    await cluster.startJobManager();
    ({ resourceIds } = await cluster.startTaskManager(2, 1));
    client = await cluster.client();
    await cluster.awaitTaskExecutors(client, resourceIds);
  });

  after(async () => {
    await cluster?.close();
  });

  it('prints the dashboard URL, on loopback, and serves the page there', async () => {
    expect(cluster.restUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${cluster.restUrl}/`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.match(/<title>threadlink dashboard<\/title>/);
  });

  it("counts the taskmanager process's TaskExecutors and slots, and fetches a TaskExecutor's log from it", async () => {
    const overview = await getJson<ClusterOverviewWithVersion>('/overview');
    expect(overview).to.include({ taskmanagers: 2, 'slots-total': 2 });
    const { taskmanagers } = await getJson<TaskManagersInfo>('/taskmanagers');
    expect(taskmanagers.map((tm) => tm.id)).to.have.members(resourceIds);
    const log = await fetch(`${cluster.restUrl}/taskmanagers/${resourceIds[0]}/log?lines=50`);
    expect(log.status).to.equal(200);
    expect(await log.text()).to.match(/INFO .*(Successful registration|Registration)/);
  });

  it('`threadlink list --rest` shows a finished job, and `cancel --rest` cancels a running one', async () => {
    const rest = cluster.restUrl.replace(/^http:\/\//, '');
    const run = await cluster.runCli([
      'run',
      kClusterTasks,
      '--export',
      'square',
      '--tasks',
      '2',
      '--jobmanager',
      cluster.jobManagerAddress,
    ]);
    expect(run.code, run.stderr).to.equal(0);

    const slow = client.submitJob({
      name: 'slow',
      tasks: [{ module: kClusterTasks, export: 'slowSquare', args: [3, 60_000] }],
    });
    const ended = slow.result.then(
      () => 'FINISHED',
      (error: Error) => error.name,
    );
    await eventuallyAsync(async () => (await client.listJobs()).some((j) => j.jobState === 'RUNNING'));

    const list = await cluster.runCli(['list', '--rest', rest]);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.match(/^[0-9a-f]{32} +FINISHED +\S+ +threadlink run /m);
    expect(list.stdout).to.include(`${slow.jobId}  RUNNING`);

    const cancel = await cluster.runCli(['cancel', slow.jobId, '--rest', rest]);
    expect(cancel.code, cancel.stderr).to.equal(0);
    expect(await ended).to.equal('JobCancellationError');

    const unknown = await cluster.runCli(['cancel', '0'.repeat(32), '--rest', rest]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/404.*Could not find Flink job/);
  });
});
