#!/usr/bin/env node
// `threadlink run <module> ...`: runs a module's export as a job of N tasks on
// an embedded MiniCluster and prints the results as JSON. Mirrors `flink run`
// of Flink's CliFrontend, with the cluster started for the one job instead of
// reached over the network. See kUsage in cli-arguments.ts for the options.
//
// stdout carries the results and nothing else, so that `threadlink run ... | jq`
// works: every other writer (logs, the worker threads' console) is sent to stderr.

import type { Writable } from 'node:stream';

import type { JobSpec } from '../runtime/jobmaster/job-graph.js';
import { InvalidJobError, JobCancellationError } from '../runtime/jobmaster/job-master-errors.js';
import { CliUsageError, kUsage, parseCliArguments, type CliRunCommand } from './cli-arguments.js';
import { formatDuration, formatProgress, plural, ProgressLine } from './demo-format.js';
import type { JobClient } from './job-client.js';
import { MiniCluster } from './mini-cluster.js';

const enum ExitCode {
  Finished = 0,
  Failed = 1,
  Usage = 2,
  /** As a shell reports a process ended by SIGINT (128 + 2). */
  Interrupted = 130,
}

/**
 * Keeps the real stdout for the results and points `process.stdout` at stderr.
 * Worker threads pipe their console into whatever `process.stdout` is when they
 * start, and the global console binds to it on first use, so this must run
 * before either.
 */
function takeStdout(): Writable {
  const stdout = process.stdout;
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: true,
    get: () => process.stderr,
  });
  return stdout;
}

const results = takeStdout();

async function main(argv: readonly string[]): Promise<ExitCode> {
  let command;
  try {
    command = parseCliArguments(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`threadlink: ${error.message} (see threadlink --help)\n`);
    return ExitCode.Usage;
  }
  if (command.kind === 'help') {
    results.write(kUsage);
    return ExitCode.Finished;
  }
  return run(command);
}

function jobSpecOf(command: CliRunCommand): JobSpec {
  return {
    name: `threadlink run ${command.module.startsWith('data:') ? 'data: module' : command.module}`,
    tasks: Array.from({ length: command.tasks }, (_, index) => ({
      module: command.module,
      export: command.exportName,
      args: command.args ?? [index, command.tasks],
    })),
    restart: { attempts: command.restartAttempts, delayMs: command.restartDelayMs },
  };
}

async function run(command: CliRunCommand): Promise<ExitCode> {
  let cluster: MiniCluster | undefined;
  try {
    cluster = await MiniCluster.start({
      taskExecutors: command.taskExecutors,
      slotsPerTaskExecutor: command.slotsPerTaskExecutor,
    });
    await cluster.waitUntilTaskExecutorsRegistered(command.taskExecutors);
  } catch (error) {
    reportFailure(error, 'could not start the cluster');
    await cluster?.closeAsync().catch(() => {});
    return ExitCode.Failed;
  }
  try {
    const started = performance.now();
    const job = cluster.submitJob(jobSpecOf(command));
    const values = await awaitResult(job, started);
    results.write(`${JSON.stringify(values, jsonValue)}\n`);
    process.stderr.write(
      `threadlink: ${plural(command.tasks, 'task')} finished in ${formatDuration(performance.now() - started)} ` +
        `on ${plural(command.taskExecutors, 'TaskExecutor')} × ${plural(command.slotsPerTaskExecutor, 'slot')} ` +
        `(${plural(job.progress().failedAttempts, 'failed attempt')}).\n`,
    );
    return ExitCode.Finished;
  } catch (error) {
    if (isCancellation(error)) {
      process.stderr.write('threadlink: the job was cancelled.\n');
      return ExitCode.Interrupted;
    }
    reportFailure(error);
    return error instanceof InvalidJobError ? ExitCode.Usage : ExitCode.Failed;
  } finally {
    await cluster.closeAsync().catch((error: unknown) => reportFailure(error, 'closing the cluster failed'));
  }
}

/** The job's result, with a live progress line on a terminal; Ctrl-C cancels the job. */
async function awaitResult(job: JobClient, started: number): Promise<unknown[]> {
  const progress = process.stderr.isTTY
    ? new ProgressLine(process.stderr, () => formatProgress(job.progress(), performance.now() - started), {
        rewrite: true,
        intervalMs: 100,
      })
    : undefined;
  // Only the first Ctrl-C: a second one ends the process the usual way.
  const cancel = () => void job.cancel().catch(() => {});
  process.once('SIGINT', cancel);
  progress?.start();
  try {
    return await job.result;
  } finally {
    progress?.stop();
    process.off('SIGINT', cancel);
  }
}

/** JSON cannot hold a bigint; print it as a string rather than fail after the job succeeded. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The error, its cause, the cause's cause... */
function causeChain(error: unknown): unknown[] {
  const chain = [error];
  for (let e = error; e instanceof Error && e.cause !== undefined; e = e.cause) chain.push(e.cause);
  return chain;
}

function isCancellation(error: unknown): boolean {
  return causeChain(error).some((e) => e instanceof JobCancellationError);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
}

/** The error and its chain of causes, one per line, then the stack of the innermost (often the task's code). */
function reportFailure(error: unknown, what = 'the job failed'): void {
  const [outer, ...causes] = causeChain(error);
  const lines = [
    `threadlink: ${what}.`,
    `  ${describe(outer)}`,
    ...causes.map((cause) => `  caused by: ${describe(cause)}`),
  ];
  const innermost = causes.at(-1) ?? outer;
  const stack = innermost instanceof Error ? (innermost.stack?.split('\n').slice(1) ?? []) : [];
  lines.push(...stack.map((line) => `    ${line.trim()}`));
  process.stderr.write(`${lines.join('\n')}\n`);
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  reportFailure(error, 'unexpected error');
  return ExitCode.Failed;
});
