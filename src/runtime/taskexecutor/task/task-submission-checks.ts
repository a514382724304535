// Whether the TaskExecutor may run a submitted task, with Flink's messages: the
// job's JobMaster is connected under the submitting JobMasterId, the slot is
// allocated to the job (and becomes active), and no task has the same
// execution id. Mirrors the checks at the top of Flink's TaskExecutor.submitTask.

import { TaskSubmissionError } from '../../gateways/task-executor-errors.js';
import type { JobMasterId } from '../../types/ids.js';
import type { TaskDeploymentDescriptor } from '../../types/task-deployment-descriptor.js';
import type { JobManagerConnection, JobTable } from '../job-table.js';
import type { TaskSlotTable } from '../slot/task-slot-table.js';
import type { Task } from './task.js';

/** The connection the task reports through; TaskSubmissionError when it may not run. */
export function checkTaskSubmission(
  tdd: TaskDeploymentDescriptor,
  jobMasterId: JobMasterId,
  jobTable: JobTable,
  taskSlotTable: TaskSlotTable<Task>,
): JobManagerConnection {
  const { jobId, allocationId, executionId } = tdd;
  const connection = jobTable.getConnection(jobId);
  if (!connection) {
    throw new TaskSubmissionError(
      `Could not submit task because there is no JobManager associated for the job ${jobId}.`,
    );
  }
  if (connection.jobMasterId !== jobMasterId) {
    throw new TaskSubmissionError(
      `Rejecting the task submission because the job manager leader id ${jobMasterId} does not match ` +
        `the expected job manager leader id ${connection.jobMasterId}.`,
    );
  }
  if (!taskSlotTable.tryMarkSlotActive(jobId, allocationId)) {
    throw new TaskSubmissionError(
      `No task slot allocated for job ID ${jobId} and allocation ID ${allocationId}.`,
    );
  }
  // The table keys tasks by execution id across slots; a duplicate in another slot would replace the first.
  if (taskSlotTable.getTask(executionId) !== undefined) {
    throw new TaskSubmissionError(`TaskManager already contains a task for id ${executionId}.`);
  }
  return connection;
}
