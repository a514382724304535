// The cluster layer: the embedded MiniCluster, the node API users start with,
// and the job types a user hands in and gets back.

export { JobClient } from './job-client.js';
export type { JobClientEvents, JobProgress } from './job-client.js';
export { MiniCluster } from './mini-cluster.js';
export type { MiniClusterOptions, TaskExecutorExit, TaskExecutorProcess } from './mini-cluster.js';
export { MiniClusterError, TaskExecutorExitedError } from './mini-cluster-errors.js';
export type { JobSpec, TaskSpec } from '../runtime/jobmaster/job-graph.js';
export type { JobResult, TaskStateChange } from '../runtime/types/job-result.js';
