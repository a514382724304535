// Errors of the MiniCluster, with stable codes.

import { registerErrorClasses } from '../actor/error-codec.js';
import { FlinkError } from '../runtime/flink-error.js';

/** A MiniCluster call was invalid in the cluster's current state. */
export class MiniClusterError extends FlinkError {
  static override readonly code: string = 'ERR_MINI_CLUSTER';
}

/** A TaskExecutor's worker thread ended without being asked to. */
export class TaskExecutorExitedError extends MiniClusterError {
  static override readonly code = 'ERR_TASK_EXECUTOR_EXITED';
}

registerErrorClasses(MiniClusterError, TaskExecutorExitedError);
