// The dashboard in a real headless browser (Debian's Chromium through
// playwright-core): loaded while a job runs, it shows one row per TaskManager,
// the job reaching FINISHED, and a TaskManager's log on a click; its cancel
// button cancels a running job, which the page then shows CANCELED. A
// screenshot is saved under the test's temporary directory, as an artifact.

import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

import { MiniCluster } from '../../../src/cluster/mini-cluster.js';
import { launchChromium, requireChromium } from '../../support/chromium.js';

const kTasks = new URL('../tasks/job-tasks.js', import.meta.url).href;
const task = (exportName: string, ...args: unknown[]) => ({ module: kTasks, export: exportName, args });

describe('The dashboard in a headless browser', function () {
  this.timeout(60_000);
  let cluster: MiniCluster | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;

  before(async function () {
    requireChromium(this);
    dir = mkdtempSync(join(tmpdir(), 'threadlink-dashboard-'));
    cluster = await MiniCluster.start({ taskExecutors: 3, slotsPerTaskExecutor: 2, rest: { port: 0 } });
    await cluster.waitUntilTaskExecutorsRegistered();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await cluster?.closeAsync();
    // Kept when asked for, to look at the screenshot: THREADLINK_KEEP_ARTIFACTS=1.
    if (dir && process.env.THREADLINK_KEEP_ARTIFACTS !== '1') rmSync(dir, { recursive: true, force: true });
  });

  const jobState = (jobId: string) => page.locator(`tr.job[data-jid="${jobId}"] .job-state`);

  it('shows a row per TaskManager and a running job reaching FINISHED', async () => {
    const job = cluster!.submitJob({
      name: 'slow doubles',
      tasks: [1, 2, 3, 4, 5, 6].map((x) => task('doubleAfter', x, 1_500)),
    });
    await page.goto(`${cluster!.getRestBaseUrl()}/`);
    await page.locator('#taskmanagers tbody tr').nth(2).waitFor();
    expect(await page.locator('#taskmanagers tbody tr').count()).to.equal(3);
    await jobState(job.jobId).filter({ hasText: 'RUNNING' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(dir, 'dashboard-running.png'), fullPage: true });
    expect(await job.result).to.deep.equal([2, 4, 6, 8, 10, 12]);
    await jobState(job.jobId).filter({ hasText: 'FINISHED' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-overview="TaskManagers"] .value').textContent()).to.equal('3');
    expect(await page.locator('[data-overview="Slots total"] .value').textContent()).to.equal('6');
    // A TaskManager's log, fetched from its TaskExecutor through the ResourceManager.
    await page.locator('#taskmanagers tbody tr').first().getByRole('button', { name: 'log' }).click();
    await page.locator('#log').filter({ hasText: 'INFO' }).waitFor({ timeout: 5_000 });
  });

  it('cancels a running job with its button, and shows it CANCELED', async () => {
    const job = cluster!.submitJob({ name: 'forever', tasks: [task('forever')] });
    const ended = job.result.then(
      () => 'finished',
      (error: Error) => error.name,
    );
    await jobState(job.jobId).filter({ hasText: 'RUNNING' }).waitFor({ timeout: 10_000 });
    await page.locator(`button.cancel[data-jid="${job.jobId}"]`).click();
    await jobState(job.jobId).filter({ hasText: 'CANCELED' }).waitFor({ timeout: 10_000 });
    expect(await ended).to.equal('JobCancellationError');
    const screenshot = join(dir, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).to.be.greaterThan(10_000);
  });
});
