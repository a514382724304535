// PATCH /jobs/:id?mode=cancel: asks the Dispatcher to cancel the job; 202 with
// an empty body, as Flink's JobCancellationHandler answers. An unknown job is
// a 404 (the Dispatcher's JobNotFoundError).

import type { JobID } from '../../types/ids.js';
import type { RestGateways } from '../rest-gateways.js';

export async function handleJobCancellation(gateways: RestGateways, jobId: JobID): Promise<void> {
  const dispatcher = await gateways.dispatcher();
  await dispatcher.cancelJob(jobId, gateways.timeoutMs);
}
