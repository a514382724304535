// `npm start`: a real job on an embedded MiniCluster. It counts the primes
// below 60 million in 48 ranges, each range a task in a worker thread of a
// TaskExecutor's slot, with one TaskExecutor per core. One task fails on its
// first attempt, so the restart strategy can be seen at work. The demo shows
// the job's progress live, then which TaskExecutor did what, the result checked
// against the known value of π(n), and the restart.
//
// One slot per TaskExecutor: every task is CPU-bound and has its slot's worker
// thread to itself, so one slot per core keeps every core busy and none shared;
// a second slot per core would only time-slice the same cores.

import { rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { JobSpec } from '../runtime/jobmaster/job-graph.js';
import type { TaskStateChange } from '../runtime/types/job-result.js';
import { ExecutionState } from '../runtime/types/execution-state.js';
import {
  formatCount,
  formatDuration,
  formatProgress,
  formatTable,
  ProgressLine,
  type TableRow,
} from './demo-format.js';
import type { JobClient } from './job-client.js';
import { MiniCluster } from './mini-cluster.js';

// About 3 s of CPU per core on two cores: long enough to watch, short enough to wait for.
const kPrimesBelow = 60_000_000;
/** π(n), to check the job's sum against; each checked with a plain sieve of Eratosthenes. */
const kKnownPrimeCounts: Readonly<Record<number, number>> = {
  10_000_000: 664_579,
  20_000_000: 1_270_607,
  30_000_000: 1_857_859,
  40_000_000: 2_433_654,
  50_000_000: 3_001_134,
  60_000_000: 3_562_115,
};
const kTasks = 48;
const kFailingTask = 5;
const kRestart = { attempts: 2, delayMs: 200 };
const kTaskExecutors = availableParallelism();
const kSlots = 1;
const kPrimesModule = new URL('./demo-tasks/primes.js', import.meta.url);

const step = (text: string) => console.log(`\n▸ ${text}`);
const indent = (lines: string[]) => lines.map((line) => `  ${line}`).join('\n');

// ------------------------------------------------------------ job observer

interface ExecutorUsage {
  finished: number;
  failed: number;
  busyMs: number;
}

/** One failed attempt and what became of the task after it. */
interface Restart {
  readonly taskIndex: number;
  readonly attemptNumber: number;
  readonly failedOn: string;
  readonly failedAt: number;
  readonly message: string;
  /** The next attempt exists (after the restart delay) and waits for a slot. */
  recreatedAt?: number;
  runningOn?: string;
  runningAt?: number;
  finishedAt?: number;
}

/** What the job's 'progress' events tell about each TaskExecutor and each restart. */
class JobObserver {
  readonly usage = new Map<string, ExecutorUsage>();
  readonly restarts: Restart[] = [];
  private readonly runningSince = new Map<string, number>();

  constructor(readonly submittedAt: number) {}

  readonly onProgress = (change: TaskStateChange): void => {
    const now = performance.now();
    const resourceId = change.resourceId ?? 'none';
    const restart = change.attemptNumber > 0 ? this.restartOf(change.taskIndex) : undefined;
    if (change.state === ExecutionState.CREATED) {
      if (restart) restart.recreatedAt = now;
      return;
    }
    if (change.state === ExecutionState.RUNNING) {
      this.runningSince.set(change.executionId, now);
      if (restart) {
        restart.runningOn = resourceId;
        restart.runningAt = now;
      }
      return;
    }
    if (change.state !== ExecutionState.FINISHED && change.state !== ExecutionState.FAILED) return;
    const usage = this.usageOf(resourceId);
    const since = this.runningSince.get(change.executionId);
    if (since !== undefined) usage.busyMs += now - since;
    this.runningSince.delete(change.executionId);
    if (change.state === ExecutionState.FINISHED) {
      usage.finished++;
      if (restart) restart.finishedAt = now;
    } else {
      usage.failed++;
      this.restarts.push({
        taskIndex: change.taskIndex,
        attemptNumber: change.attemptNumber,
        failedOn: resourceId,
        failedAt: now,
        message: change.error?.message ?? 'unknown error',
      });
    }
  };

  private usageOf(resourceId: string): ExecutorUsage {
    let usage = this.usage.get(resourceId);
    if (!usage) this.usage.set(resourceId, (usage = { finished: 0, failed: 0, busyMs: 0 }));
    return usage;
  }

  /** The failure that the task's current attempt follows. */
  private restartOf(taskIndex: number): Restart | undefined {
    return this.restarts.findLast((restart) => restart.taskIndex === taskIndex);
  }
}

// ------------------------------------------------------------ the job

function primesJob(markerPath: string): JobSpec {
  const size = Math.ceil(kPrimesBelow / kTasks);
  return {
    name: `primes below ${formatCount(kPrimesBelow)}`,
    tasks: Array.from({ length: kTasks }, (_, i) => ({
      module: kPrimesModule,
      export: 'countPrimes',
      args: [i * size, Math.min((i + 1) * size, kPrimesBelow), ...(i === kFailingTask ? [markerPath] : [])],
    })),
    restart: kRestart,
  };
}

async function runWithProgress(job: JobClient, observer: JobObserver): Promise<number[]> {
  const progress = new ProgressLine(
    process.stdout,
    () => `  ${formatProgress(job.progress(), performance.now() - observer.submittedAt)}`,
    process.stdout.isTTY ? { rewrite: true, intervalMs: 100 } : { rewrite: false, intervalMs: 500 },
  );
  job.on('progress', observer.onProgress);
  progress.start();
  try {
    return (await job.result) as number[];
  } finally {
    progress.stop();
  }
}

// ------------------------------------------------------------ reports

function printUsage(observer: JobObserver, jobMs: number): void {
  const rows: TableRow[] = [...observer.usage.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([resourceId, usage]) => ({
      TaskExecutor: resourceId,
      'tasks finished': usage.finished,
      'failed attempts': usage.failed,
      'busy running tasks': formatDuration(usage.busyMs),
      'share of the job time': `${Math.round((usage.busyMs / (jobMs * kSlots)) * 100)} %`,
    }));
  console.log(indent(formatTable(rows)));
}

function printResult(counts: number[], jobMs: number, clusterMs: number): boolean {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const known = kKnownPrimeCounts[kPrimesBelow];
  const matches = total === known;
  console.log(
    `  π(${formatCount(kPrimesBelow)}) = ${formatCount(total)}, summed over ${counts.length} ranges`,
  );
  console.log(
    `  ${matches ? '✓ matches' : '✗ does NOT match'} the known value ${known === undefined ? '?' : formatCount(known)}`,
  );
  console.log(`  job ${formatDuration(jobMs)} (submit → result); cluster start ${formatDuration(clusterMs)}`);
  return matches;
}

function printRestarts(observer: JobObserver): void {
  if (observer.restarts.length === 0) console.log('  no task failed (was the marker file already there?)');
  const at = (time: number) => formatDuration(time - observer.submittedAt);
  for (const r of observer.restarts) {
    console.log(
      `  task ${r.taskIndex}, attempt ${r.attemptNumber}, failed on ${r.failedOn} at ${at(r.failedAt)}:`,
    );
    console.log(`    ${r.message}`);
    if (r.recreatedAt === undefined) continue;
    const attempt = r.attemptNumber + 1;
    console.log(
      `  attempt ${attempt} was created ${formatDuration(r.recreatedAt - r.failedAt)} later ` +
        `(restart delay ${kRestart.delayMs} ms) and queued for a free slot`,
    );
    if (r.runningAt === undefined || r.finishedAt === undefined) continue;
    console.log(
      `  it ran on ${r.runningOn} from ${at(r.runningAt)} (after ${formatDuration(r.runningAt - r.recreatedAt)} ` +
        `in the queue) and finished at ${at(r.finishedAt)}`,
    );
  }
}

// ------------------------------------------------------------ main

async function main(): Promise<boolean> {
  const plural = kTaskExecutors === 1 ? '' : 's';
  step(
    `Starting a MiniCluster: ${kTaskExecutors} TaskExecutor${plural} × ${kSlots} slot ` +
      `(one per core; each TaskExecutor in its own worker thread, each slot's tasks in another)`,
  );
  const clusterStarted = performance.now();
  await using cluster = await MiniCluster.start({
    taskExecutors: kTaskExecutors,
    slotsPerTaskExecutor: kSlots,
  });
  await cluster.waitUntilTaskExecutorsRegistered(kTaskExecutors);
  const clusterMs = performance.now() - clusterStarted;
  console.log(`  ${kTaskExecutors} TaskExecutor${plural} registered after ${formatDuration(clusterMs)}`);

  const markerPath = join(tmpdir(), `threadlink-demo-${process.pid}-${Date.now()}.marker`);
  try {
    const spec = primesJob(markerPath);
    step(
      `Job '${spec.name}': ${kTasks} tasks; task ${kFailingTask} fails on its first attempt ` +
        `(restart: ${kRestart.attempts} attempts, ${kRestart.delayMs} ms apart)`,
    );
    const observer = new JobObserver(performance.now());
    const job = cluster.submitJob(spec);
    const counts = await runWithProgress(job, observer);
    const jobMs = performance.now() - observer.submittedAt;

    step('Per TaskExecutor');
    printUsage(observer, jobMs);
    step('Result');
    const matches = printResult(counts, jobMs, clusterMs);
    step('Restart');
    printRestarts(observer);
    step('Shutting down: JobMaster, TaskExecutors, ResourceManager, RPC, HA');
    return matches;
  } finally {
    rmSync(markerPath, { force: true });
  }
}

try {
  const matches = await main();
  console.log('  done; no threads left running.');
  if (!matches) process.exitCode = 1;
} catch (error) {
  console.error('\nThe demo failed:', error);
  process.exitCode = 1;
}
