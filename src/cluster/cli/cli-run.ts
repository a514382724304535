// `threadlink run <module>`: the module's export as a job of N tasks, on an
// embedded MiniCluster started for it, or on the cluster at --jobmanager (or the
// ZooKeeper HA cluster of the config file). Prints the results, in task order,
// as one JSON array on stdout, and exits 0, 1 (failed), 2 (invalid job) or 130
// (cancelled). With --dashboard the embedded cluster serves the REST API and
// the dashboard while the job runs, and its URL goes to stderr. Mirrors
// `flink run` of Flink's CliFrontend.

import type { Writable } from 'node:stream';
import { Configuration } from '../../runtime/configuration/configuration.js';
import { HighAvailabilityOptions } from '../../runtime/configuration/high-availability-options.js';
import { HighAvailabilityMode } from '../../runtime/highavailability/high-availability-mode.js';
import type { JobSpec } from '../../runtime/jobmaster/job-graph.js';
import { InvalidJobError } from '../../runtime/jobmaster/job-master-errors.js';
import type { CliRunCommand } from '../cli-arguments.js';
import type { ClusterClient } from '../client/cluster-client.js';
import { connectToCluster } from '../client/connect-to-cluster.js';
import { RestOptions } from '../config/entrypoint-options.js';
import { formatHostPort } from '../config/network-address.js';
import { formatDuration, formatProgress, plural, ProgressLine } from '../demo-format.js';
import type { JobClient } from '../job-client.js';
import { MiniCluster } from '../mini-cluster.js';
import { ExitCode, isCancellation, isConfigurationError, reportFailure } from './cli-report.js';

/** Where the job runs: it submits jobs and is closed after the one job. */
interface JobTarget {
  submitJob(spec: JobSpec): JobClient;
  closeAsync(): Promise<void>;
  /** "on 2 TaskExecutors × 1 slot", "on the cluster at 127.0.0.1:6123". */
  readonly description: string;
}

export async function runCommand(command: CliRunCommand, results: Writable): Promise<ExitCode> {
  let target: JobTarget;
  try {
    target = command.jobManager ? await remoteTarget(command) : await embeddedTarget(command);
  } catch (error) {
    reportFailure(error, command.jobManager ? 'could not reach the cluster' : 'could not start the cluster');
    return isConfigurationError(error) ? ExitCode.Usage : ExitCode.Failed;
  }
  try {
    const started = performance.now();
    const job = target.submitJob(jobSpecOf(command));
    const values = await awaitResult(job, started);
    results.write(`${JSON.stringify(values, jsonValue)}\n`);
    process.stderr.write(
      `threadlink: ${plural(command.tasks, 'task')} finished in ${formatDuration(performance.now() - started)} ` +
        `${target.description} (${plural(job.progress().failedAttempts, 'failed attempt')}).\n`,
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
    await target.closeAsync().catch((error: unknown) => reportFailure(error, 'closing the cluster failed'));
  }
}

async function embeddedTarget(command: CliRunCommand): Promise<JobTarget> {
  const configuration = new Configuration(command.configuration.values);
  const cluster = await MiniCluster.start({
    taskExecutors: command.taskExecutors,
    slotsPerTaskExecutor: command.slotsPerTaskExecutor,
    config: command.configuration.values,
    // rest.port if the config file sets it; else a free port, so that a run never clashes with a jobmanager.
    ...(command.dashboard ? { rest: { port: configuration.getOptional(RestOptions.PORT) ?? 0 } } : {}),
  });
  try {
    await cluster.waitUntilTaskExecutorsRegistered(command.taskExecutors);
    const dashboard = cluster.getRestBaseUrl();
    if (dashboard) process.stderr.write(`threadlink: dashboard at ${dashboard}/\n`);
  } catch (error) {
    await cluster.closeAsync().catch(() => {});
    throw error;
  }
  return {
    submitJob: (spec) => cluster.submitJob(spec),
    closeAsync: () => cluster.closeAsync(),
    description:
      `on ${plural(command.taskExecutors, 'TaskExecutor')} × ` + plural(command.slotsPerTaskExecutor, 'slot'),
  };
}

async function remoteTarget(command: CliRunCommand): Promise<JobTarget> {
  const jobManager = formatHostPort(command.jobManager!);
  const configuration = new Configuration(command.configuration.values);
  const client: ClusterClient = await connectToCluster({ jobManager, configuration });
  // Under ZooKeeper HA the leader, and so the address, may change while the job runs.
  const quorum = HighAvailabilityMode.isHighAvailabilityModeActivated(configuration)
    ? configuration.get(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM)
    : undefined;
  return {
    submitJob: (spec) => client.submitJob(spec),
    closeAsync: () => client.closeAsync(),
    description: quorum
      ? `on the cluster whose leader is in ZooKeeper ${quorum}`
      : `on the cluster at ${jobManager}`,
  };
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
