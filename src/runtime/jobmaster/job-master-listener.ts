// Who hears what a JobMaster's job does: every task attempt's state change and
// every change of the job's status, in order, in the JobMaster's main thread.
// Mirrors the JobStatusListener and execution state listeners of Flink's
// ExecutionGraph; the Dispatcher forwards them to the job's clients.

import type { JobStatus } from '../types/job-status.js';
import type { TaskStateChange } from '../types/job-result.js';

export interface JobMasterListener {
  onTaskStateChange?(change: TaskStateChange): void;
  onJobStatusChange?(status: JobStatus): void;
}
