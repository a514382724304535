// A job's tasks per state as Flink's REST API writes them: lower-case states
// (JobDetails' "tasks") or upper-case (JobDetailsInfo's "status-counts").

import { ExecutionState } from '../../types/execution-state.js';
import type { JobDetails } from '../../types/job-details.js';
import type { JobDetailsBody, TaskCounts } from '../messages/job-messages.js';

export function taskCounts(details: JobDetails): TaskCounts {
  const counts: Record<string, number> = { total: details.numTasks };
  for (const state of Object.values(ExecutionState)) {
    counts[state.toLowerCase()] = details.tasksPerState[state] ?? 0;
  }
  return counts as TaskCounts;
}

/** Flink's duration: until now while the job runs. */
export function durationOf(details: JobDetails, now: number): number {
  return (details.endTime >= 0 ? details.endTime : now) - details.startTime;
}

export function jobDetailsBody(details: JobDetails, now: number): JobDetailsBody {
  return {
    jid: details.jobId,
    name: details.jobName,
    state: details.status,
    'start-time': details.startTime,
    'end-time': details.endTime,
    duration: durationOf(details, now),
    'last-modification': details.lastUpdateTime,
    tasks: taskCounts(details),
  };
}
