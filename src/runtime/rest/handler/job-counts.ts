// The parts of Flink's job bodies that several REST handlers share: the job with its
// state and times, and its tasks per state as Flink writes them: lower-case states
// (JobDetails' "tasks") or upper-case (JobDetailsInfo's "status-counts").

import { ExecutionState } from '../../types/execution-state.js';
import type { JobDetails } from '../../types/job-details.js';
import type { JobDetailsBody, JobTimesBody, TaskCounts } from '../messages/job-messages.js';

export function taskCounts(details: JobDetails): TaskCounts {
  const counts: Record<string, number> = { total: details.numTasks };
  for (const state of Object.values(ExecutionState)) {
    counts[state.toLowerCase()] = details.tasksPerState[state] ?? 0;
  }
  return counts as TaskCounts;
}

/** The job, its state and its times; Flink's duration runs until now while the job runs. */
export function jobTimesBody(details: JobDetails, now: number): JobTimesBody {
  return {
    jid: details.jobId,
    name: details.jobName,
    state: details.status,
    'start-time': details.startTime,
    'end-time': details.endTime,
    duration: (details.endTime >= 0 ? details.endTime : now) - details.startTime,
  };
}

export function jobDetailsBody(details: JobDetails, now: number): JobDetailsBody {
  return {
    ...jobTimesBody(details, now),
    'last-modification': details.lastUpdateTime,
    tasks: taskCounts(details),
  };
}
