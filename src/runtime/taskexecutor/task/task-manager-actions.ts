// How a Task reaches its TaskExecutor. Mirrors Flink's TaskManagerActions: the
// TaskExecutor makes one per JobMaster connection, so a task's states go to the
// JobMaster that deployed it.

import type { TaskExecutionState } from '../../types/task-execution-state.js';
import type { Task } from './task.js';

export interface TaskManagerActions {
  /** `task` entered `state.state`: RUNNING, then exactly one of FINISHED, FAILED, CANCELED. */
  updateTaskExecutionState(task: Task, state: TaskExecutionState): void;
}
