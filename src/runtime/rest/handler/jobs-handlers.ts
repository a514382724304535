// GET /jobs and /jobs/overview. Mirrors Flink's JobIdsHandler and
// JobsOverviewHandler, from the Dispatcher's requestMultipleJobDetails.

import type { JobIdsWithStatusOverview, MultipleJobsDetails } from '../messages/job-messages.js';
import type { RestGateways } from '../rest-gateways.js';
import { jobDetailsBody } from './job-counts.js';

export async function handleJobIds(gateways: RestGateways): Promise<JobIdsWithStatusOverview> {
  const dispatcher = await gateways.dispatcher();
  const jobs = await dispatcher.requestMultipleJobDetails(gateways.timeoutMs);
  return { jobs: jobs.map((job) => ({ id: job.jobId, status: job.status })) };
}

export async function handleJobsOverview(gateways: RestGateways): Promise<MultipleJobsDetails> {
  const dispatcher = await gateways.dispatcher();
  const jobs = await dispatcher.requestMultipleJobDetails(gateways.timeoutMs);
  const now = Date.now();
  return { jobs: jobs.map((job) => jobDetailsBody(job, now)) };
}
