// Sends a task's state changes to the JobMaster that deployed it. Mirrors the
// reporting half of Flink's TaskExecutor.updateTaskExecutionState. A FINISHED
// state whose return value cannot travel (too large, not cloneable) turns into
// FAILED with a TaskResultError, so the job learns why instead of waiting.

import { getLogger } from '../../actor/logger.js';
import { RpcFrameSizeError, RpcSerializationError } from '../../rpc/errors.js';
import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { ExecutionState } from '../types/execution-state.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import type { TaskExecutionState } from '../types/task-execution-state.js';
import { TaskResultError } from './task/task-errors.js';

const log = getLogger('TaskExecutor');

function logFailure(error: unknown): void {
  log.debug('Could not report a task execution state to the JobMaster.', error);
}

/**
 * Reports `state` to `jobMaster`. If that fails otherwise, the JobMaster still
 * learns which executions are here from the heartbeat's deployment report.
 */
export function reportTaskExecutionState(jobMaster: JobMasterGateway, state: TaskExecutionState): void {
  const update = jobMaster.updateTaskExecutionState(state);
  if (state.state !== ExecutionState.FINISHED) {
    update.catch(logFailure);
    return;
  }
  update.catch((error: unknown) => {
    if (!(error instanceof RpcFrameSizeError || error instanceof RpcSerializationError)) {
      logFailure(error);
      return;
    }
    const failed: TaskExecutionState = {
      jobId: state.jobId,
      executionId: state.executionId,
      state: ExecutionState.FAILED,
      error: SerializedThrowable.of(
        new TaskResultError(`The task's return value could not be sent to the JobMaster.`, { cause: error }),
      ),
    };
    jobMaster.updateTaskExecutionState(failed).catch(logFailure);
  });
}
