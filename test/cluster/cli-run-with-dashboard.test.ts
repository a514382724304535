// `threadlink run --dashboard`: the embedded cluster serves the REST API and
// the dashboard while the job runs, and its URL goes to stderr; the results
// still go to stdout alone, and the server ends with the run.

import { expect } from 'chai';

import { ClusterProcess } from '../support/cluster-process.js';
import { eventuallyAsync } from '../support/eventually-async.js';
import type { MultipleJobsDetails } from '../../src/runtime/rest/messages/job-messages.js';

const kClusterTasks = new URL('../fixtures/tasks/cluster-tasks.js', import.meta.url).href;

describe('threadlink run --dashboard', function () {
  this.timeout(30_000);
  let run: ClusterProcess | undefined;

  after(async () => {
    await run?.kill();
  });

  it('prints the dashboard URL, which shows the job while it runs', async () => {
    run = ClusterProcess.start([
      'run',
      kClusterTasks,
      '--export',
      'slowSquare',
      '--args',
      '[3, 3000]',
      '--tasks',
      '2',
      '--task-executors',
      '2',
      '--dashboard',
    ]);
    const [, url] = (await run.waitFor(
      /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//,
      20_000,
      'stderr',
    )) as RegExpMatchArray;
    // The URL is printed just before the job is submitted; the tasks then take 3 s.
    let overview: MultipleJobsDetails = { jobs: [] };
    await eventuallyAsync(async () => {
      overview = (await (await fetch(`${url}/jobs/overview`)).json()) as MultipleJobsDetails;
      return overview.jobs.length > 0;
    }, 'the job on the dashboard');
    expect(overview.jobs).to.have.length(1);
    expect(overview.jobs[0]!.tasks.total).to.equal(2);
    expect(overview.jobs[0]!.state).to.be.oneOf(['CREATED', 'RUNNING']);
    expect((await fetch(`${url}/`)).status).to.equal(200);
    const { code } = await run.exited;
    expect(code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.have.length(2);
    await fetch(`${url}/overview`).then(
      () => expect.fail('the dashboard must end with the run'),
      (error: Error) => expect(error.message).to.match(/fetch failed/),
    );
  });
});
