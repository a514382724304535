// `threadlink list` and `threadlink cancel <JOBID>` against a running cluster:
// a ClusterClient for the one call, closed after it, or with --rest the
// cluster's REST API. Mirrors `flink list` and `flink cancel` of Flink's
// CliFrontend (which go through the REST API).

import type { Writable } from 'node:stream';
import { Configuration } from '../../runtime/configuration/configuration.js';
import type { CliCancelCommand, CliListCommand } from '../cli-arguments.js';
import { connectToCluster } from '../client/connect-to-cluster.js';
import { RestClusterClient } from '../client/rest-cluster-client.js';
import { formatHostPort } from '../config/network-address.js';
import { ExitCode, isConfigurationError, reportFailure } from './cli-report.js';

/** What list and cancel need of a cluster, over RPC or REST. */
interface JobsClient {
  listJobs(): Promise<readonly { jobId: string; jobName: string; jobState: string; startTime: number }[]>;
  cancelJob(jobId: CliCancelCommand['jobId']): Promise<unknown>;
  closeAsync(): Promise<void>;
}

async function clientOf(command: CliListCommand | CliCancelCommand): Promise<JobsClient> {
  const configuration = new Configuration(command.configuration.values);
  if (command.rest !== undefined) {
    const rest = new RestClusterClient(command.rest, configuration);
    return {
      listJobs: () => rest.listJobs(),
      cancelJob: (jobId) => rest.cancelJob(jobId),
      closeAsync: async () => {},
    };
  }
  return connectToCluster({ jobManager: formatHostPort(command.jobManager), configuration });
}

async function withClient(
  command: CliListCommand | CliCancelCommand,
  what: string,
  call: (client: JobsClient) => Promise<void>,
): Promise<ExitCode> {
  let client: JobsClient | undefined;
  try {
    client = await clientOf(command);
    await call(client);
    return ExitCode.Finished;
  } catch (error) {
    reportFailure(error, what);
    return isConfigurationError(error) ? ExitCode.Usage : ExitCode.Failed;
  } finally {
    await client?.closeAsync().catch(() => {});
  }
}

/** One line per job, newest first: id, state, start time, name. */
export function listCommand(command: CliListCommand, out: Writable): Promise<ExitCode> {
  return withClient(command, 'could not list the jobs', async (client) => {
    const jobs = await client.listJobs();
    if (jobs.length === 0) process.stderr.write('threadlink: the cluster has no jobs.\n');
    for (const job of jobs) {
      out.write(
        `${job.jobId}  ${job.jobState.padEnd(10)}  ${new Date(job.startTime).toISOString()}  ${job.jobName}\n`,
      );
    }
  });
}

export function cancelCommand(command: CliCancelCommand): Promise<ExitCode> {
  return withClient(command, `could not cancel job ${command.jobId}`, async (client) => {
    await client.cancelJob(command.jobId);
    process.stderr.write(`threadlink: cancelled job ${command.jobId}.\n`);
  });
}
