// The life of a job. Mirrors Flink's JobStatus, without the states that need
// checkpoints or a Dispatcher (RECONCILING, INITIALIZING, RESTARTING).

export const JobStatus = {
  CREATED: 'CREATED',
  RUNNING: 'RUNNING',
  /** A task failed for good; the others are being cancelled. */
  FAILING: 'FAILING',
  FAILED: 'FAILED',
  CANCELLING: 'CANCELLING',
  CANCELED: 'CANCELED',
  FINISHED: 'FINISHED',
  /** Its JobMaster stopped (lost leadership, or the cluster closed) before the job ended. */
  SUSPENDED: 'SUSPENDED',
} as const;

export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** FINISHED, FAILED and CANCELED: the job's slots are freed and its result is settled. */
export function isGloballyTerminalJobStatus(status: JobStatus): boolean {
  return status === 'FINISHED' || status === 'FAILED' || status === 'CANCELED';
}
