// bench:cluster: what a TaskExecutor worker costs next to a bare worker thread,
// side by side in one process, in interleaved rounds.
//  - start-up: N TaskExecutors registered with their slot reports (MiniCluster
//    start to the last slot report), against starting N bare workers;
//  - failure detection: killing a TaskExecutor's worker until the ResourceManager
//    has dropped it;
//  - memory: process RSS growth per worker, and each worker's own V8 heap; and the
//    RSS of a TaskExecutor that has run tasks (its warm task workers included),
//    which is what a TaskExecutor costs in use.
// Prints tables and one JSON line of medians and ratios, graded against the
// project's goals (issue 11): startup_ratio_8 ≤ 1.5, busy_memory_ratio ≤ 2.5.

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { MiniCluster } from '../src/index.js';
import { median, printTable, round } from './stats.js';

const kRounds = Number(process.env.BENCH_ROUNDS ?? 5);
/** Start-ups of 8 threads on two cores move by 10% from round to round; 5 rounds left the median as loose. */
const kStartupRounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 11);
const kSizes = (process.env.BENCH_SIZES ?? '1,8,32').split(',').map(Number);
const kMemoryWorkers = Number(process.env.BENCH_MEMORY_WORKERS ?? 8);
const kBareWorker = new URL('./fixtures/bare-worker.js', import.meta.url);
const kTinyModule = new URL('./tasks/tiny.js', import.meta.url).href;
const kSlots = 1; // the default: a TaskExecutor thread and its slot's warm task worker

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function startBareWorkers(n: number): Promise<Worker[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const worker = new Worker(kBareWorker);
      await once(worker, 'message');
      return worker;
    }),
  );
}

async function bareStartup(n: number): Promise<number> {
  const started = performance.now();
  const workers = await startBareWorkers(n);
  const elapsed = performance.now() - started;
  await Promise.all(workers.map((w) => w.terminate()));
  return elapsed;
}

async function clusterStartup(n: number): Promise<number> {
  const started = performance.now();
  const cluster = await MiniCluster.start({ taskExecutors: n });
  await cluster.waitUntilTaskExecutorsRegistered(n);
  const elapsed = performance.now() - started;
  await cluster.closeAsync();
  return elapsed;
}

/** ms from killing a TaskExecutor's worker to the ResourceManager no longer counting it. */
async function detection(): Promise<number> {
  const cluster = await MiniCluster.start({ taskExecutors: 2 });
  try {
    await cluster.waitUntilTaskExecutorsRegistered(2);
    const rm = await cluster.resourceManagerGateway();
    const [victim] = cluster.getTaskExecutors();
    const started = performance.now();
    const killed = cluster.terminateTaskExecutor(victim!.resourceId);
    while ((await rm.getNumberOfRegisteredTaskManagers()) !== 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const elapsed = performance.now() - started;
    await killed;
    return elapsed;
  } finally {
    await cluster.closeAsync();
  }
}

interface Memory {
  rssPerWorkerMB: number;
  heapPerWorkerMB: number;
}

async function bareMemory(n: number): Promise<Memory> {
  gc();
  const before = process.memoryUsage().rss;
  const workers = await startBareWorkers(n);
  gc();
  const rss = process.memoryUsage().rss - before;
  const heaps = await Promise.all(
    workers.map(async (w) => {
      const reply = once(w, 'message');
      w.postMessage('heap');
      return (await reply)[0] as number;
    }),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  return { rssPerWorkerMB: rss / n / 2 ** 20, heapPerWorkerMB: median(heaps) / 2 ** 20 };
}

async function clusterMemory(n: number): Promise<Memory> {
  // The main thread's own share (RpcService, ResourceManager) is measured apart, so that the delta is the workers'.
  const cluster = await MiniCluster.start({ taskExecutors: 0 });
  try {
    gc();
    const before = process.memoryUsage().rss;
    await Promise.all(Array.from({ length: n }, () => cluster.startTaskExecutor()));
    await cluster.waitUntilTaskExecutorsRegistered(n);
    gc();
    const rss = process.memoryUsage().rss - before;
    const heaps = await Promise.all(
      cluster.getTaskExecutors().map((te) => cluster.taskExecutorMetrics(te.resourceId)),
    );
    return {
      rssPerWorkerMB: rss / n / 2 ** 20,
      heapPerWorkerMB: median(heaps.map((m) => m.heapUsedBytes)) / 2 ** 20,
    };
  } finally {
    await cluster.closeAsync();
  }
}

/** RSS growth per TaskExecutor (kSlots slots) after a job that used every slot: its task workers are warm. */
async function busyClusterMemory(n: number): Promise<number> {
  const cluster = await MiniCluster.start({ taskExecutors: 0, slotsPerTaskExecutor: kSlots });
  try {
    gc();
    const before = process.memoryUsage().rss;
    await Promise.all(Array.from({ length: n }, () => cluster.startTaskExecutor()));
    await cluster.waitUntilTaskExecutorsRegistered(n);
    const tasks = n * kSlots * 8;
    await cluster.submitJob({
      name: 'busy',
      tasks: Array.from({ length: tasks }, (_, i) => ({ module: kTinyModule, export: 'add', args: [i, 1] })),
    }).result;
    gc();
    return (process.memoryUsage().rss - before) / n / 2 ** 20;
  } finally {
    await cluster.closeAsync();
  }
}

function spread(values: number[], digits = 1): string {
  return `${round(Math.min(...values), digits)}–${round(Math.max(...values), digits)}`;
}

async function main(): Promise<void> {
  // Warm up module loading and the JIT on both sides.
  await bareStartup(2);
  await clusterStartup(2);

  const startupRows = [];
  const summary: Record<string, number> = {};
  for (const n of kSizes) {
    const bare: number[] = [];
    const cluster: number[] = [];
    for (let r = 0; r < kStartupRounds; r++) {
      bare.push(await bareStartup(n));
      cluster.push(await clusterStartup(n));
    }
    const ratio = median(cluster) / median(bare);
    startupRows.push({
      N: n,
      'bare workers (ms)': `${round(median(bare), 1)} (${spread(bare)})`,
      'TaskExecutors registered (ms)': `${round(median(cluster), 1)} (${spread(cluster)})`,
      ratio: round(ratio),
      'goal ≤ 1.5': ratio <= 1.5 ? 'met' : 'NOT met',
    });
    summary[`startupBareMs_${n}`] = round(median(bare), 1);
    summary[`startupClusterMs_${n}`] = round(median(cluster), 1);
    summary[`startupRatio_${n}`] = round(ratio);
  }
  console.log(`\nStart-up: median (min–max) of ${kStartupRounds} interleaved rounds`);
  printTable(startupRows);

  const detections: number[] = [];
  for (let r = 0; r < kRounds; r++) detections.push(await detection());
  summary.killToDropMs = round(median(detections), 2);
  console.log(
    `\nKill → ResourceManager drops the TaskExecutor: median ${summary.killToDropMs} ms ` +
      `(max ${round(Math.max(...detections), 2)} ms; goal < 50 ms: ${summary.killToDropMs < 50 ? 'met' : 'NOT met'})`,
  );

  const bare: Memory[] = [];
  const cluster: Memory[] = [];
  for (let r = 0; r < kRounds; r++) {
    bare.push(await bareMemory(kMemoryWorkers));
    cluster.push(await clusterMemory(kMemoryWorkers));
  }
  const rssRatio = median(cluster.map((m) => m.rssPerWorkerMB)) / median(bare.map((m) => m.rssPerWorkerMB));
  const heapRatio =
    median(cluster.map((m) => m.heapPerWorkerMB)) / median(bare.map((m) => m.heapPerWorkerMB));
  console.log(`\nMemory per worker (${kMemoryWorkers} workers, median of ${kRounds} rounds)`);
  printTable([
    {
      measure: 'process RSS growth per worker (MB)',
      'bare worker': round(median(bare.map((m) => m.rssPerWorkerMB)), 1),
      TaskExecutor: round(median(cluster.map((m) => m.rssPerWorkerMB)), 1),
      ratio: round(rssRatio),
      'goal ≤ 1.5': rssRatio <= 1.5 ? 'met' : 'NOT met',
    },
    {
      measure: "worker's V8 heap used (MB)",
      'bare worker': round(median(bare.map((m) => m.heapPerWorkerMB)), 1),
      TaskExecutor: round(median(cluster.map((m) => m.heapPerWorkerMB)), 1),
      ratio: round(heapRatio),
      'goal ≤ 1.5': heapRatio <= 1.5 ? 'met' : 'NOT met',
    },
  ]);
  summary.rssRatio = round(rssRatio);
  summary.heapRatio = round(heapRatio);

  const busy: number[] = [];
  const bareForBusy: number[] = [];
  for (let r = 0; r < kRounds; r++) {
    bareForBusy.push((await bareMemory(kMemoryWorkers)).rssPerWorkerMB);
    busy.push(await busyClusterMemory(kMemoryWorkers));
  }
  const busyRatio = median(busy) / median(bareForBusy);
  console.log(
    `\nMemory of a TaskExecutor that has run tasks (${kSlots} slot, its task worker warm), ` +
      `${kMemoryWorkers} of them, median of ${kRounds} rounds (spread min–max)`,
  );
  printTable([
    {
      measure: 'process RSS growth per worker (MB)',
      'bare worker': `${round(median(bareForBusy), 1)} (${spread(bareForBusy)})`,
      'busy TaskExecutor': `${round(median(busy), 1)} (${spread(busy)})`,
      ratio: round(busyRatio),
      'goal ≤ 2.5': busyRatio <= 2.5 ? 'met' : 'NOT met',
    },
  ]);
  summary.busy_memory_ratio = round(busyRatio);
  summary.startup_ratio_8 = summary.startupRatio_8 ?? Number.NaN;
  console.log(
    `\n${JSON.stringify({ bench: 'cluster', rounds: kRounds, startupRounds: kStartupRounds, ...summary })}`,
  );
}

await main();
