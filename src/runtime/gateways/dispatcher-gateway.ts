// The Dispatcher's RPC interface, as clients see it: submit a job, list jobs,
// ask for a job's status or result, cancel it, and follow it. Mirrors Flink's
// DispatcherGateway, a fenced gateway whose token is the Dispatcher's leader
// session (DispatcherId), with the REST-facing half of Flink's RestfulGateway
// (requestMultipleJobDetails, requestExecutionGraphInfo) that the web monitor reads.

import { defineGateway, type FencedRpcGateway } from '../../rpc/gateway.js';
import type { Acknowledge } from '../types/acknowledge.js';
import type { ExecutionGraphInfo, JobDetails } from '../types/job-details.js';
import type { JobResultMessage, JobSnapshot } from '../types/job-events.js';
import type { DispatcherId, JobID } from '../types/ids.js';
import type { JobGraph } from '../types/job-graph.js';
import type { JobStatus } from '../types/job-status.js';

/** One line of listJobs. Mirrors Flink's JobStatusMessage. */
export interface JobStatusMessage {
  readonly jobId: JobID;
  readonly jobName: string;
  readonly jobState: JobStatus;
  /** When the Dispatcher accepted the job, in ms since the epoch. */
  readonly startTime: number;
}

export interface DispatcherGateway extends FencedRpcGateway<DispatcherId> {
  /**
   * Accepts `jobGraph` and starts running it. With a `listenerAddress`, the
   * JobListenerGateway there hears every event of the job from its start.
   */
  submitJob(jobGraph: JobGraph, listenerAddress: string | null, timeoutMs: number): Promise<Acknowledge>;
  /** Every job that runs or ran here, newest first. */
  listJobs(timeoutMs: number): Promise<JobStatusMessage[]>;
  requestJobStatus(jobId: JobID, timeoutMs: number): Promise<JobStatus>;
  /** The result of a job that has ended; one that has not yet fails with JobNotFinishedError's code. */
  requestJobResult(jobId: JobID, timeoutMs: number): Promise<JobResultMessage>;
  cancelJob(jobId: JobID, timeoutMs: number): Promise<Acknowledge>;
  /** The JobListenerGateway at `listenerAddress` hears the job's events from now on; answers where it is now. */
  subscribeToJob(jobId: JobID, listenerAddress: string, timeoutMs: number): Promise<JobSnapshot>;
  unsubscribeFromJob(jobId: JobID, listenerAddress: string): void;
  /** Every job that runs or ran here with its task counts, newest first (RestfulGateway). */
  requestMultipleJobDetails(timeoutMs: number): Promise<JobDetails[]>;
  /** One job's tasks, attempts and exceptions; an unknown job fails with JobNotFoundError's code (RestfulGateway). */
  requestExecutionGraphInfo(jobId: JobID, timeoutMs: number): Promise<ExecutionGraphInfo>;
}

export const DispatcherGateway = defineGateway<DispatcherGateway>('DispatcherGateway', {
  submitJob: { timeoutArg: 2 },
  listJobs: { timeoutArg: 0 },
  requestJobStatus: { timeoutArg: 1 },
  requestJobResult: { timeoutArg: 1 },
  cancelJob: { timeoutArg: 1 },
  subscribeToJob: { timeoutArg: 2 },
  unsubscribeFromJob: 'tell',
  requestMultipleJobDetails: { timeoutArg: 0 },
  requestExecutionGraphInfo: { timeoutArg: 1 },
});
