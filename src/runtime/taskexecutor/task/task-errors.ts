// Why a task FAILED without its own code throwing: its code could not be
// loaded or called, its return value could not be sent back, or its worker
// died under it. Each has a stable code; the task's worker raises the first two,
// so this module stays small enough for that worker to load quickly.

import { registerErrorClasses } from '../../../actor/error-codec.js';
import { FlinkError } from '../../flink-error.js';

/** The task's module could not be imported, its export is not a function, or its arguments could not be sent. */
export class TaskInvokableError extends FlinkError {
  static override readonly code = 'ERR_TASK_INVOKABLE';
}

/** The task's return value could not be sent back: structured clone cannot copy it, or it is over the frame limit. */
export class TaskResultError extends FlinkError {
  static override readonly code = 'ERR_TASK_RESULT';
}

/** The task's worker ended on its own (process.exit, an uncaught error) while the task ran. */
export class TaskWorkerExitedError extends FlinkError {
  static override readonly code = 'ERR_TASK_WORKER_EXITED';
}

registerErrorClasses(TaskInvokableError, TaskResultError, TaskWorkerExitedError);
