// Flink's jobmaster package: the JobMaster, its gateway, slot pool, restart
// strategy and the runner that elects it.

export { createJobGraph } from './job-graph.js';
export type { JobGraphLimits, JobSpec, TaskSpec } from './job-graph.js';
export { JobMaster } from './job-master.js';
export type { JobMasterServices } from './job-master.js';
export type { JobMasterListener } from './job-master-listener.js';
export {
  ExecutionGraphError,
  ExecutionLostError,
  InvalidJobError,
  JobCancellationError,
  JobExecutionError,
  JobMasterError,
  NoResourceAvailableError,
} from './job-master-errors.js';
export { JobMasterServiceLeadershipRunner } from './job-master-service-leadership-runner.js';
export { FixedDelayRestartBackoffTimeStrategy, kNoRestart } from './restart-strategy.js';
export { SlotPool } from './slot-pool.js';
export type { AllocatedSlot } from './slot-pool.js';
