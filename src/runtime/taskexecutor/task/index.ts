// What runs in a TaskExecutor's slots: Task, the slot's worker, and why a task
// can fail without its own code throwing.

export { SlotWorker } from './slot-worker.js';
export type { SlotWorkerJob } from './slot-worker.js';
export { Task } from './task.js';
export { TaskInvokableError, TaskResultError, TaskWorkerExitedError } from './task-errors.js';
export type { TaskManagerActions } from './task-manager-actions.js';
export type { TaskRunReply, TaskRunRequest } from './task-slot-worker-protocol.js';
