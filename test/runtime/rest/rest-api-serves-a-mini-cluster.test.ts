// The REST API against a running MiniCluster: every endpoint through hono's
// in-process app.request() (the app on this thread, reaching the cluster's
// Dispatcher and ResourceManager over RPC), and the cluster's own server,
// started by MiniCluster.start({ rest }) in its JobManager thread, over a real
// socket. Shapes and numbers follow Flink's REST API (WebMonitorEndpoint).

import { expect } from 'chai';
import type { Hono } from 'hono';

import { MiniCluster } from '../../../src/cluster/mini-cluster.js';
import { JobID } from '../../../src/runtime/types/ids.js';
import { createRestApp } from '../../../src/runtime/rest/rest-routes.js';
import type { ClusterOverviewWithVersion } from '../../../src/runtime/rest/messages/cluster-overview.js';
import type { TaskManagersInfo } from '../../../src/runtime/rest/messages/task-managers-info.js';
import type {
  JobDetailsInfo,
  JobExceptionsInfoWithHistory,
  JobIdsWithStatusOverview,
  MultipleJobsDetails,
} from '../../../src/runtime/rest/messages/job-messages.js';
import { eventuallyAsync } from '../../support/eventually-async.js';

const kTasks = new URL('../../cluster/tasks/job-tasks.js', import.meta.url).href;
const task = (exportName: string, ...args: unknown[]) => ({ module: kTasks, export: exportName, args });

describe('The REST API serves a MiniCluster', function () {
  this.timeout(30_000);
  let cluster: MiniCluster;
  let app: Hono;

  before(async () => {
    cluster = await MiniCluster.start({ taskExecutors: 2, slotsPerTaskExecutor: 2, rest: { port: 0 } });
    await cluster.waitUntilTaskExecutorsRegistered();
    app = createRestApp({
      dispatcher: () => cluster.dispatcherGateway(),
      resourceManager: () => cluster.resourceManagerGateway(),
      configuration: { ...cluster.configuration.toMap(), 'security.ssl.rest.key': '/secret.pem' },
      timeoutMs: 5_000,
    });
  });

  after(async () => {
    await cluster?.closeAsync();
  });

  async function get<T>(path: string, status = 200): Promise<T> {
    const response = await app.request(path);
    expect(response.status, `${path}: ${await response.clone().text()}`).to.equal(status);
    return (await response.json()) as T;
  }

  async function expectError(path: string, status: number, init?: RequestInit): Promise<void> {
    const response = await app.request(path, init);
    expect(response.status, path).to.equal(status);
    const body = (await response.json()) as { errors: unknown };
    expect(body.errors, path).to.be.an('array').with.length.greaterThan(0);
  }

  it('GET /overview counts TaskManagers and slots as Flink does', async () => {
    const overview = await get<ClusterOverviewWithVersion>('/overview');
    expect(overview).to.include({ taskmanagers: 2, 'slots-total': 4, 'slots-available': 4 });
    expect(overview).to.have.keys(
      'taskmanagers',
      'slots-total',
      'slots-available',
      'jobs-running',
      'jobs-finished',
      'jobs-cancelled',
      'jobs-failed',
      'flink-version',
      'flink-commit',
    );
  });

  it('GET /taskmanagers and /taskmanagers/:id show each TaskExecutor with its slots', async () => {
    const { taskmanagers } = await get<TaskManagersInfo>('/taskmanagers');
    const ids = cluster.getTaskExecutors().map((te) => te.resourceId);
    expect(taskmanagers.map((tm) => tm.id)).to.have.members(ids);
    for (const tm of taskmanagers) {
      expect(tm).to.include({ slotsNumber: 2, freeSlots: 2 });
      expect(tm.path).to.be.a('string');
      expect(tm.metrics).to.be.an('object');
      const details = await get<TaskManagersInfo['taskmanagers'][number]>(`/taskmanagers/${tm.id}`);
      expect(details).to.deep.include({ id: tm.id, slotsNumber: 2 });
    }
    await expectError('/taskmanagers/no-such-tm', 404);
  });

  it('GET /taskmanagers/:id/log gives the last lines of the TaskExecutor’s log; bad lines are a 400', async () => {
    const [id] = cluster.getTaskExecutors().map((te) => te.resourceId);
    const response = await app.request(`/taskmanagers/${id}/log?lines=3`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    const lines = (await response.text()).split('\n').filter((line) => line !== '');
    expect(lines.length).to.be.within(1, 3);
    expect(lines.join('\n')).to.match(/INFO/);
    await expectError(`/taskmanagers/${id}/log?lines=0`, 400);
    await expectError(`/taskmanagers/${id}/log?lines=abc`, 400);
    await expectError('/taskmanagers/no-such-tm/log', 404);
  });

  it('GET /jobs, /jobs/overview, /jobs/:id and /jobs/:id/exceptions after a job finished', async () => {
    const job = cluster.submitJob({ name: 'doubles', tasks: [1, 2, 3, 4].map((x) => task('double', x)) });
    expect(await job.result).to.deep.equal([2, 4, 6, 8]);

    const ids = await get<JobIdsWithStatusOverview>('/jobs');
    expect(ids.jobs).to.deep.include({ id: job.jobId, status: 'FINISHED' });

    const overview = await get<MultipleJobsDetails>('/jobs/overview');
    const line = overview.jobs.find((j) => j.jid === job.jobId)!;
    expect(line).to.include({ name: 'doubles', state: 'FINISHED' });
    expect(line.tasks).to.include({ total: 4, finished: 4, running: 0, failed: 0 });
    expect(line['end-time']).to.be.at.least(line['start-time']);
    expect(line.duration).to.equal(line['end-time'] - line['start-time']);

    const details = await get<JobDetailsInfo>(`/jobs/${job.jobId}`);
    expect(details).to.include({ jid: job.jobId, name: 'doubles', state: 'FINISHED', 'failed-attempts': 0 });
    expect(details['status-counts']).to.include({ FINISHED: 4 });
    const tms = cluster.getTaskExecutors().map((te) => te.resourceId as string);
    expect(details.subtasks.map((s) => s.subtask)).to.deep.equal([0, 1, 2, 3]);
    for (const subtask of details.subtasks) {
      expect(subtask).to.include({ status: 'FINISHED', attempt: 0 });
      expect(tms).to.include(subtask['taskmanager-id']);
    }

    const exceptions = await get<JobExceptionsInfoWithHistory>(`/jobs/${job.jobId}/exceptions`);
    expect(exceptions).to.deep.equal({
      'root-exception': null,
      timestamp: null,
      exceptionHistory: { entries: [], truncated: false },
    });

    const cluster2 = await get<ClusterOverviewWithVersion>('/overview');
    expect(cluster2['jobs-finished']).to.be.at.least(1);
    expect(cluster2['slots-available']).to.equal(4);
  });

  it('GET /taskmanagers/:id/metrics and /jobmanager/metrics list metric ids, and give values with ?get=', async () => {
    const job = cluster.submitJob({ name: 'counted', tasks: [1, 2].map((x) => task('double', x)) });
    await job.result;
    const [te] = cluster.getTaskExecutors();
    const ids = await get<{ id: string }[]>(`/taskmanagers/${te!.resourceId}/metrics`);
    expect(ids.map((m) => m.id)).to.include.members([
      'Status.Node.Memory.Heap.Used',
      'numTasksFinished',
      'taskDuration_p99',
    ]);
    expect(
      ids.every((m) => !m.id.startsWith('job.')),
      'only the TaskManager’s own metrics',
    ).to.equal(true);
    let finished = 0;
    for (const tm of cluster.getTaskExecutors()) {
      const values = await get<{ id: string; value: string }[]>(
        `/taskmanagers/${tm.resourceId}/metrics?get=numTasksFinished,Status.Node.Memory.Heap.Used,no.such.metric`,
      );
      expect(values.map((m) => m.id)).to.deep.equal(['numTasksFinished', 'Status.Node.Memory.Heap.Used']);
      expect(Number(values[1]!.value)).to.be.greaterThan(0);
      finished += Number(values[0]!.value);
    }
    expect(finished, 'tasks finished across TaskExecutors').to.be.at.least(2);

    const jobManager = await get<{ id: string; value: string }[]>(
      '/jobmanager/metrics?get=numRegisteredTaskManagers,taskSlotsTotal',
    );
    expect(jobManager).to.deep.equal([
      { id: 'numRegisteredTaskManagers', value: '2' },
      { id: 'taskSlotsTotal', value: '4' },
    ]);
    await expectError('/taskmanagers/no-such-tm/metrics', 404);
    await expectError(`/taskmanagers/${te!.resourceId}/metrics?get=a,,b`, 400);
  });

  it('GET /jobs/:id/exceptions lists every failed attempt and the root cause of a failed job', async () => {
    const job = cluster.submitJob({
      name: 'fails',
      tasks: [task('alwaysFail', 7)],
      restart: { attempts: 1, delayMs: 0 },
    });
    await job.result.catch(() => {});
    const details = await get<JobDetailsInfo>(`/jobs/${job.jobId}`);
    expect(details).to.include({ state: 'FAILED', 'failed-attempts': 2 });
    expect(details.subtasks[0]).to.include({ status: 'FAILED', attempt: 1 });
    const exceptions = await get<JobExceptionsInfoWithHistory>(`/jobs/${job.jobId}/exceptions`);
    expect(exceptions['root-exception']).to.match(/7 is not what I expected/);
    expect(exceptions.timestamp).to.be.a('number');
    expect(exceptions.exceptionHistory.entries).to.have.length(2);
    const [newest] = exceptions.exceptionHistory.entries;
    expect(newest!.exceptionName).to.equal('PrimeCheckError');
    expect(newest!.taskName).to.match(/^fails \(1\/1\) #1$/);
    expect(newest!.stacktrace).to.match(/7 is not what I expected/);
    const overview = await get<ClusterOverviewWithVersion>('/overview');
    expect(overview['jobs-failed']).to.be.at.least(1);
  });

  it('PATCH /jobs/:id?mode=cancel cancels a running job (202), and the job ends CANCELED', async () => {
    const job = cluster.submitJob({ name: 'forever', tasks: [task('forever')] });
    job.result.catch(() => {});
    await eventuallyAsync(
      async () => (await get<JobDetailsInfo>(`/jobs/${job.jobId}`)).subtasks[0]!.status === 'RUNNING',
      'the task running',
    );
    await expectError(`/jobs/${job.jobId}?mode=stop`, 400, { method: 'PATCH' });
    const response = await app.request(`/jobs/${job.jobId}?mode=cancel`, { method: 'PATCH' });
    expect(response.status).to.equal(202);
    expect(await response.json()).to.deep.equal({});
    await eventuallyAsync(
      async () => (await get<JobDetailsInfo>(`/jobs/${job.jobId}`)).state === 'CANCELED',
      'the job CANCELED',
    );
    const overview = await get<ClusterOverviewWithVersion>('/overview');
    expect(overview['jobs-cancelled']).to.be.at.least(1);
  });

  it('answers 404 with { errors } for an unknown job, and 400 for a malformed job id', async () => {
    const unknown = JobID.generate();
    await expectError(`/jobs/${unknown}`, 404);
    await expectError(`/jobs/${unknown}/exceptions`, 404);
    await expectError(`/jobs/${unknown}?mode=cancel`, 404, { method: 'PATCH' });
    await expectError('/jobs/not-a-job-id', 404);
    await expectError('/jobs/not%20a%20job%20id', 400);
    await expectError('/jobs/not.a.job/exceptions', 400);
    await expectError(`/jobs/${'x'.repeat(129)}?mode=cancel`, 400, { method: 'PATCH' });
    await expectError('/no/such/path', 404);
  });

  it('GET /config and /jobmanager/config describe the dashboard and the configuration, secrets masked', async () => {
    const config = await get<Record<string, unknown>>('/config');
    expect(config).to.include.keys('refresh-interval', 'timezone-name', 'timezone-offset', 'flink-version');
    expect(config.features).to.deep.equal({ 'web-submit': false, 'web-cancel': true });
    const entries = await get<{ key: string; value: string }[]>('/jobmanager/config');
    expect(entries).to.deep.include({ key: 'taskmanager.numberOfTaskSlots', value: '2' });
    expect(entries).to.deep.include({ key: 'security.ssl.rest.key', value: '******' });
  });

  it("the cluster's own server answers over a real socket: the same numbers, and the dashboard at /", async () => {
    const base = cluster.getRestBaseUrl()!;
    expect(base).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const overview = (await (await fetch(`${base}/overview`)).json()) as ClusterOverviewWithVersion;
    expect(overview).to.include({ taskmanagers: 2, 'slots-total': 4 });
    const missing = await fetch(`${base}/jobs/${JobID.generate()}`);
    expect(missing.status).to.equal(404);
    expect(((await missing.json()) as { errors: string[] }).errors[0]).to.match(/Could not find/);
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(await page.text()).to.match(/<script src="dashboard\.js">/);
    for (const file of ['dashboard.js', 'dashboard.css']) {
      expect((await fetch(`${base}/${file}`)).status, file).to.equal(200);
    }
  });
});
