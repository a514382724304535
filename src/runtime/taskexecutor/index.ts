// Flink's taskexecutor package: the TaskExecutor endpoint and its gateway, its
// connections to the ResourceManager and JobMasters, the JobLeaderService,
// the runner that owns it, the slot table, and the tasks that run in the slots.

export { TaskExecutor } from './task-executor.js';
export type { TaskExecutorServices } from './task-executor.js';
export { LogRing, kLogRingCapacity } from './log-ring.js';
export { RegistrationTimeoutError, TaskExecutorFatalError } from './task-executor-errors.js';
export type { FatalErrorHandler } from './fatal-error-handler.js';
export { TaskExecutorToResourceManagerConnection } from './task-executor-to-resource-manager-connection.js';
export type { JobLeaderListener, JobLeaderService } from './job-leader-service.js';
export { IllegalJobLeaderServiceStateError } from './job-leader-service.js';
export { DefaultJobLeaderService } from './default-job-leader-service.js';
export type { JobLeaderServiceLocation } from './default-job-leader-service.js';
export { TaskManagerRunner } from './task-manager-runner.js';
export type { TaskManagerRunnerOptions, TaskManagerRunnerResult } from './task-manager-runner.js';
export * from './slot/index.js';
export * from './task/index.js';
