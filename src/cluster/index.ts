// The cluster layer: the embedded MiniCluster, the node API users start with.

export { JobClient } from './job-client.js';
export type { JobClientEvents, JobProgress } from './job-client.js';
export { MiniCluster } from './mini-cluster.js';
export type { MiniClusterOptions, TaskExecutorExit, TaskExecutorProcess } from './mini-cluster.js';
export { MiniClusterError, TaskExecutorExitedError } from './mini-cluster-errors.js';
