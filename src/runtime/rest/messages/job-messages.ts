// GET /jobs, /jobs/overview, /jobs/:id and /jobs/:id/exceptions. Mirrors Flink's
// JobIdsWithStatusOverview, MultipleJobsDetails (JobDetails), JobDetailsInfo and
// JobExceptionsInfoWithHistory. A threadlink job is one vertex of N parallel
// tasks, so JobDetailsInfo lists its tasks as Flink lists a vertex's subtasks
// (SubtaskExecutionAttemptDetailsInfo).

/** Flink's task counts per state, lower-case keys, plus the total. */
export type TaskCounts = Readonly<Record<string, number>> & { readonly total: number };

export interface JobIdsWithStatusOverview {
  readonly jobs: readonly { readonly id: string; readonly status: string }[];
}

/** What every job body of Flink's REST API starts with: the job, its state and its times. */
export interface JobTimesBody {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
  readonly 'start-time': number;
  readonly 'end-time': number;
  readonly duration: number;
}

export interface JobDetailsBody extends JobTimesBody {
  readonly 'last-modification': number;
  readonly tasks: TaskCounts;
}

export interface MultipleJobsDetails {
  readonly jobs: readonly JobDetailsBody[];
}

export interface SubtaskExecutionAttemptDetailsInfo {
  readonly subtask: number;
  readonly status: string;
  readonly attempt: number;
  /** The TaskExecutor's ResourceID; empty before the task is deployed. */
  readonly 'taskmanager-id': string;
  readonly 'last-modification': number;
}

export interface JobDetailsInfo extends JobTimesBody {
  readonly now: number;
  readonly 'status-counts': Readonly<Record<string, number>>;
  readonly 'failed-attempts': number;
  readonly subtasks: readonly SubtaskExecutionAttemptDetailsInfo[];
}

export interface ExceptionInfo {
  readonly exceptionName: string;
  readonly stacktrace: string;
  readonly timestamp: number;
  readonly taskName: string;
  readonly taskManagerId: string | null;
}

export interface JobExceptionsInfoWithHistory {
  readonly 'root-exception': string | null;
  readonly timestamp: number | null;
  readonly exceptionHistory: { readonly entries: readonly ExceptionInfo[]; readonly truncated: boolean };
}
