// GET /jobs/:id: the job, its tasks with their latest attempts and
// TaskExecutors. Mirrors Flink's JobDetailsHandler (JobDetailsInfo), from the
// Dispatcher's requestExecutionGraphInfo.

import type { JobID } from '../../types/ids.js';
import type { JobDetailsInfo } from '../messages/job-messages.js';
import type { RestGateways } from '../rest-gateways.js';
import { jobTimesBody } from './job-counts.js';

export async function handleJobDetails(gateways: RestGateways, jobId: JobID): Promise<JobDetailsInfo> {
  const dispatcher = await gateways.dispatcher();
  const info = await dispatcher.requestExecutionGraphInfo(jobId, gateways.timeoutMs);
  const { details } = info;
  const now = Date.now();
  return {
    ...jobTimesBody(details, now),
    now,
    'status-counts': { ...details.tasksPerState },
    'failed-attempts': info.failedAttempts,
    subtasks: info.tasks.map((task) => ({
      subtask: task.taskIndex,
      status: task.state,
      attempt: task.attemptNumber,
      'taskmanager-id': task.resourceId ?? '',
      'last-modification': task.lastUpdateTime,
    })),
  };
}
