// What a client that follows a job serves: the Dispatcher tells it the job's
// events, batched per turn, in order. threadlink's own (Flink's clients poll the
// REST API); pushing lets a JobClient report progress without polling.

import { defineGateway, type RpcGateway } from '../../rpc/gateway.js';
import type { JobID } from '../types/ids.js';
import type { JobEvent } from '../types/job-events.js';

export interface JobListenerGateway extends RpcGateway {
  /** The job's events since the last call, in order; the last may be its result. */
  jobEvents(jobId: JobID, events: readonly JobEvent[]): void;
}

export const JobListenerGateway = defineGateway<JobListenerGateway>('JobListenerGateway', {
  jobEvents: 'tell',
});
