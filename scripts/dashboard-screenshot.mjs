// `npm run screenshot`: a demo run with the dashboard open, photographed into
// docs/dashboard.png. A MiniCluster of 4 TaskExecutors serves the REST API; a
// small job finishes, one is cancelled, and the demo's prime-counting job runs
// with one task failing on its first attempt (so the exception history shows)
// while Debian's Chromium, driven by playwright-core, loads the page. Options:
// --out FILE (default docs/dashboard.png); THREADLINK_CHROMIUM for another browser.

/* global document */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { MiniCluster } from '../dist/src/index.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/dashboard.png' } } });
const primes = new URL('../dist/src/cluster/demo-tasks/primes.js', import.meta.url).href;
const kRanges = 24;
const kBelow = 40_000_000;
const marker = join(tmpdir(), `threadlink-screenshot-${process.pid}.marker`);

const cluster = await MiniCluster.start({
  taskExecutors: 4,
  slotsPerTaskExecutor: 1,
  rest: { port: 0 },
  // Heartbeats every second, so the TaskManagers' last heartbeat is fresh in the picture.
  config: { 'heartbeat.interval': '1 s' },
});
const browser = await chromium.launch({
  executablePath: process.env.THREADLINK_CHROMIUM ?? '/usr/bin/chromium',
});
try {
  await cluster.waitUntilTaskExecutorsRegistered();
  const url = `${cluster.getRestBaseUrl()}/`;
  console.error(`dashboard at ${url}`);

  const warmUp = cluster.submitJob({
    name: 'warm-up: primes below 1M',
    tasks: [{ module: primes, export: 'countPrimes', args: [0, 1_000_000] }],
  });
  await warmUp.result;
  const cancelled = cluster.submitJob({
    name: 'cancelled: primes below 4G',
    tasks: [{ module: primes, export: 'countPrimes', args: [0, 4_000_000_000] }],
  });
  await sleep(300);
  await cancelled.cancel();
  await cancelled.result.catch(() => {});

  const size = kBelow / kRanges;
  const job = cluster.submitJob({
    name: `primes below ${kBelow / 1_000_000}M`,
    tasks: Array.from({ length: kRanges }, (_, i) => ({
      module: primes,
      export: 'countPrimes',
      args: [i * size, (i + 1) * size, ...(i === 2 ? [marker] : [])],
    })),
    restart: { attempts: 2, delayMs: 200 },
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(url);
  await page.locator(`tr.job[data-jid="${job.jobId}"]`).click();
  // About a third of the tasks done: the progress bar, running tasks and the exception all show.
  await page.waitForFunction(
    (jid) => {
      const cell = document.querySelector(`tr.job[data-jid="${jid}"] td:nth-child(5)`);
      const finished = /(\d+) finished/.exec(cell?.textContent ?? '');
      return finished !== null && Number(finished[1]) >= 8;
    },
    job.jobId,
    { timeout: 120_000 },
  );
  await page.waitForTimeout(1_100);
  await page.screenshot({ path: values.out, fullPage: true });
  console.error(`wrote ${values.out}`);
  await job.cancel();
  await job.result.catch(() => {});
} finally {
  await browser.close();
  await cluster.closeAsync();
  rmSync(marker, { force: true });
}
