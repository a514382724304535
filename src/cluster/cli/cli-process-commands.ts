// `threadlink jobmanager` and `threadlink taskmanager`: start the process, print
// one line saying where it is, serve until SIGTERM or SIGINT (a second one ends
// it at once), and return the exit code. Mirrors Flink's jobmanager.sh and
// taskmanager.sh, which start ClusterEntrypoint and TaskManagerRunner.

import type { Writable } from 'node:stream';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import { HighAvailabilityOptions } from '../../runtime/configuration/high-availability-options.js';
import { HighAvailabilityMode } from '../../runtime/highavailability/high-availability-mode.js';
import { JobManagerOptions } from '../config/entrypoint-options.js';
import { JobManagerProcess } from '../jobmanager/job-manager-process.js';
import { serveUntilStopped } from '../process-signals.js';
import { TaskManagerProcess } from '../taskmanager/task-manager-process.js';

/** Runs a jobmanager until it is stopped; resolves with the process's exit code. */
export function runJobManager(configuration: Configuration, out: Writable): Promise<number> {
  return serveUntilStopped('The jobmanager', async (onFatalError) => {
    const jobManager = await JobManagerProcess.start(configuration, { onFatalError });
    out.write(
      `threadlink jobmanager listening at ${jobManager.getAddress()}, ` +
        `dashboard at ${jobManager.getRestBaseUrl()} (pid ${process.pid})\n`,
    );
    return jobManager;
  });
}

/** Runs a taskmanager until it is stopped; resolves with the process's exit code. */
export function runTaskManager(configuration: Configuration, out: Writable): Promise<number> {
  return serveUntilStopped('The taskmanager', async (onFatalError) => {
    const taskManager = await TaskManagerProcess.start(configuration, { onFatalError });
    const jobManager = HighAvailabilityMode.isHighAvailabilityModeActivated(configuration)
      ? `the leader in ZooKeeper ${configuration.get(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM)}`
      : `${configuration.get(JobManagerOptions.ADDRESS)}:${configuration.get(JobManagerOptions.PORT)}`;
    out.write(
      `threadlink taskmanager with TaskExecutors ${taskManager.getResourceIds().join(', ')} ` +
        `registering at ${jobManager} (pid ${process.pid})\n`,
    );
    return taskManager;
  });
}
