// GET /jobs/:id/exceptions: why the job failed, and its failed attempts, newest
// first. Mirrors Flink's JobExceptionsHandler (JobExceptionsInfoWithHistory).

import type { JobID } from '../../types/ids.js';
import type { SerializedThrowable } from '../../types/serialized-throwable.js';
import { kExceptionHistorySize } from '../../dispatcher/job-record.js';
import type { JobExceptionsInfoWithHistory } from '../messages/job-messages.js';
import type { RestGateways } from '../rest-gateways.js';

/** Flink's stringified exception: the stack, or `name: message`, with its causes. */
function stacktraceOf(error: SerializedThrowable): string {
  let text = error.stack ?? `${error.name}: ${error.message}`;
  for (let cause = error.cause; cause; cause = cause.cause) {
    text += `\nCaused by: ${cause.stack ?? `${cause.name}: ${cause.message}`}`;
  }
  return text;
}

export async function handleJobExceptions(
  gateways: RestGateways,
  jobId: JobID,
): Promise<JobExceptionsInfoWithHistory> {
  const dispatcher = await gateways.dispatcher();
  const info = await dispatcher.requestExecutionGraphInfo(jobId, gateways.timeoutMs);
  const entries = [...info.exceptionHistory].reverse().map((entry) => ({
    exceptionName: entry.error.name,
    stacktrace: stacktraceOf(entry.error),
    timestamp: entry.timestamp,
    taskName: `${info.details.jobName} (${entry.taskIndex + 1}/${info.details.numTasks}) #${entry.attemptNumber}`,
    taskManagerId: entry.resourceId ?? null,
  }));
  const root = info.failureCause;
  return {
    'root-exception': root ? stacktraceOf(root) : null,
    timestamp: root ? info.details.endTime : null,
    exceptionHistory: { entries, truncated: info.failedAttempts > kExceptionHistorySize },
  };
}
