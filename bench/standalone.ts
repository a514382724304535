// bench:standalone: what a standalone cluster of processes costs against the
// MiniCluster, in one run.
//  - throughput: jobs of K tiny tasks (`a + b`) submitted with the node API
//    (connectToCluster, in this process) to a `threadlink jobmanager` process and
//    one `threadlink taskmanager` process of 2 TaskExecutors, against the same
//    jobs on a MiniCluster of 2 TaskExecutors (threads of this process). The two
//    alternate within each round; a warm-up round is not counted; medians, min–max
//    and the ratio standalone ÷ mini (goal ≥ 0.7);
//  - kill to drop: a second taskmanager process is started, waited for until the
//    ResourceManager lists its TaskExecutors, SIGKILLed, and the ResourceManager is
//    polled (every 2 ms) until it no longer lists any of them; median and min–max.
// The last line is one JSON object. `--quick` for a smoke run.

import { MiniCluster, type JobSpec } from '../src/index.js';
import type { ClusterClient } from '../src/cluster/client/cluster-client.js';
import { connectToCluster } from '../src/cluster/client/connect-to-cluster.js';
import { pollTaskExecutors, ProcessCluster } from './process-cluster.js';
import { median, medianAndSpread, minMax, printTable, round } from './stats.js';

const kQuick = process.argv.includes('--quick');
const kRounds = Number(process.env.BENCH_ROUNDS ?? (kQuick ? 2 : 7));
const kTasks = Number(process.env.BENCH_TASKS ?? (kQuick ? 200 : 2000));
const kKills = Number(process.env.BENCH_KILLS ?? (kQuick ? 2 : 7));
const kTaskExecutors = 2;
const kSlots = Number(process.env.BENCH_SLOTS ?? 1);
const kGoalRatio = 0.7;
/** A job that does not settle in this time is a bug, not a slow run: fail rather than hang. */
const kJobTimeoutMs = 120_000;
const kTinyModule = new URL('./tasks/tiny.js', import.meta.url);

function tinyJob(k: number): JobSpec {
  return {
    name: `tiny × ${k}`,
    tasks: Array.from({ length: k }, (_, i) => ({ module: kTinyModule, export: 'add', args: [i, 1] })),
  };
}

async function timed(result: Promise<readonly unknown[]>, k: number, who: string): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`A ${who} job of ${k} tasks did not settle in time.`)),
      kJobTimeoutMs,
    );
  });
  const results = await Promise.race([result, timeout]).finally(() => clearTimeout(timer));
  const elapsed = performance.now() - started;
  if (results.length !== k || results.some((value, i) => value !== i + 1)) {
    throw new Error(`${who} returned wrong results for ${k} tasks of a + b.`);
  }
  return k / (elapsed / 1000);
}

/** Tasks per second of one job of k tiny tasks. */
type Runner = (k: number) => Promise<number>;

async function throughput(runners: Record<'standalone' | 'mini', Runner>): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = { standalone: [], mini: [] };
  for (let round = 0; round <= kRounds; round++) {
    // Each round alternates which goes first, so neither always runs on a machine the other just warmed.
    const order = round % 2 ? (['mini', 'standalone'] as const) : (['standalone', 'mini'] as const);
    for (const name of order) {
      const tasksPerSecond = await runners[name](kTasks);
      if (round > 0) samples[name]!.push(tasksPerSecond);
    }
  }
  return samples;
}

/** One taskmanager more, registered, SIGKILLed: ms until the ResourceManager lists none of its TaskExecutors. */
async function killToDrop(cluster: ProcessCluster, client: ClusterClient, jobManager: string): Promise<number> {
  const tm = await cluster.startTaskManager(kTaskExecutors, kSlots, jobManager);
  const ids = tm.resourceIds;
  await pollTaskExecutors(client, (registered) => ids.every((id) => registered.has(id)), `[${ids.join(', ')}] to register`);
  const killedAt = performance.now();
  const exited = tm.process.kill('SIGKILL');
  const droppedAt = await pollTaskExecutors(
    client,
    (registered) => ids.every((id) => !registered.has(id)),
    `[${ids.join(', ')}] to be dropped`,
  );
  await exited;
  return droppedAt - killedAt;
} // prettier-ignore

async function main(): Promise<void> {
  const cluster = await ProcessCluster.create();
  let client: ClusterClient | undefined;
  let mini: MiniCluster | undefined;
  try {
    const { address } = await cluster.startJobManager();
    const tm = await cluster.startTaskManager(kTaskExecutors, kSlots, address);
    client = await connectToCluster({ jobManager: address });
    const standaloneClient = client;
    await pollTaskExecutors(
      client,
      (registered) => tm.resourceIds.every((id) => registered.has(id)),
      'the taskmanager',
    );
    mini = await MiniCluster.start({ taskExecutors: kTaskExecutors, slotsPerTaskExecutor: kSlots });
    await mini.waitUntilTaskExecutorsRegistered(kTaskExecutors);
    const miniCluster = mini;

    const samples = await throughput({
      standalone: (k) => timed(standaloneClient.submitJob(tinyJob(k)).result, k, 'standalone'),
      mini: (k) => timed(miniCluster.submitJob(tinyJob(k)).result, k, 'MiniCluster'),
    });
    const kills: number[] = [];
    for (let i = 0; i < kKills; i++) kills.push(await killToDrop(cluster, standaloneClient, address));

    const standalone = median(samples.standalone!);
    const miniMedian = median(samples.mini!);
    const ratios = samples.standalone!.map((value, i) => value / samples.mini![i]!);
    const ratio = standalone / miniMedian;
    console.log(
      `\nTiny tasks (a + b): jobs of ${kTasks} tasks on ${kTaskExecutors} TaskExecutors × ${kSlots} slot(s), ` +
        `${kRounds} alternating rounds after a warm-up; median (min–max)`,
    );
    printTable([
      { cluster: 'standalone: jobmanager + taskmanager processes, TCP', 'tasks/s': medianAndSpread(samples.standalone!, 0), 'µs/task': round(1e6 / standalone, 1) },
      { cluster: 'MiniCluster: threads of this process', 'tasks/s': medianAndSpread(samples.mini!, 0), 'µs/task': round(1e6 / miniMedian, 1) },
    ]); // prettier-ignore
    console.log(
      `  standalone ÷ mini = ${round(ratio)} (per round ${medianAndSpread(ratios, 2)}); ` +
        `goal ≥ ${kGoalRatio}: ${ratio >= kGoalRatio ? 'met' : 'NOT met'}`,
    );
    console.log(
      `\nSIGKILL of a taskmanager (${kTaskExecutors} TaskExecutors) → dropped by the ResourceManager, ${kKills} kills`,
    );
    console.log(`  ${medianAndSpread(kills)} ms; each: ${kills.map((ms) => round(ms, 1)).join(', ')}`);

    const killSpread = minMax(kills);
    console.log(
      JSON.stringify({
        bench: 'standalone',
        standalone_vs_mini_ratio: round(ratio, 3),
        kill_to_drop_ms: round(median(kills), 1),
        goal_ratio: kGoalRatio,
        goal_met: ratio >= kGoalRatio,
        standalone_tasks_per_s: round(standalone, 0),
        mini_tasks_per_s: round(miniMedian, 0),
        ratio_per_round: ratios.map((r) => round(r, 3)),
        kill_to_drop_range_ms: [round(killSpread.min, 1), round(killSpread.max, 1)],
        rounds: kRounds,
        tasks: kTasks,
        kills: kKills,
        task_executors: kTaskExecutors,
        slots: kSlots,
        quick: kQuick,
        node: process.version,
      }),
    );
  } finally {
    await mini?.closeAsync().catch(() => {});
    await client?.closeAsync().catch(() => {});
    await cluster.closeAsync();
  }
}

await main();
