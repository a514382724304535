// GET /overview. Mirrors Flink's ClusterOverviewHandler, which asks the
// Dispatcher (requestClusterOverview); here the handler puts together the
// ResourceManager's ResourceOverview and the Dispatcher's job details itself.

import { JobStatus } from '../../types/job-status.js';
import type { ClusterOverviewWithVersion } from '../messages/cluster-overview.js';
import type { RestGateways } from '../rest-gateways.js';
import { kRestVersion } from './rest-version.js';

export async function handleClusterOverview(gateways: RestGateways): Promise<ClusterOverviewWithVersion> {
  const [resourceManager, dispatcher] = await Promise.all([
    gateways.resourceManager(),
    gateways.dispatcher(),
  ]);
  const [resources, jobs] = await Promise.all([
    resourceManager.requestResourceOverview(gateways.timeoutMs),
    dispatcher.requestMultipleJobDetails(gateways.timeoutMs),
  ]);
  const count = (...states: JobStatus[]) => jobs.filter((job) => states.includes(job.status)).length;
  return {
    taskmanagers: resources.numberTaskManagers,
    'slots-total': resources.numberRegisteredSlots,
    'slots-available': resources.numberFreeSlots,
    'jobs-running': count(JobStatus.CREATED, JobStatus.RUNNING, JobStatus.FAILING, JobStatus.CANCELLING),
    'jobs-finished': count(JobStatus.FINISHED),
    'jobs-cancelled': count(JobStatus.CANCELED),
    'jobs-failed': count(JobStatus.FAILED),
    'flink-version': kRestVersion,
    'flink-commit': '',
  };
}
