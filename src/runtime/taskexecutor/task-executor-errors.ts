// The TaskExecutor's own fatal errors, mirroring Flink's
// RegistrationTimeoutException and the TaskManagerRunner's fatal exit. What its
// gateway calls answer with lives in gateways/task-executor-errors.ts.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { TaskManagerError } from '../gateways/task-executor-errors.js';

/** The TaskExecutor found no ResourceManager within `taskmanager.registration.timeout`. Fatal. */
export class RegistrationTimeoutError extends TaskManagerError {
  static override readonly code = 'ERR_REGISTRATION_TIMEOUT';
}

/** The TaskExecutor hit an error it cannot recover from; its runner ends it. */
export class TaskExecutorFatalError extends TaskManagerError {
  static override readonly code = 'ERR_TASK_EXECUTOR_FATAL';
}

registerErrorClasses(RegistrationTimeoutError, TaskExecutorFatalError);
