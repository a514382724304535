// The Dispatcher's check of a JobGraph that arrived over RPC: a client may run
// another version or hand-craft one, so its shape is checked before a JobMaster
// is built on it. Mirrors the validation in Flink's Dispatcher.submitJob.

import { InvalidJobError } from '../jobmaster/job-master-errors.js';
import type { JobGraph } from '../types/job-graph.js';

/** Throws InvalidJobError (ERR_INVALID_JOB) naming the first thing wrong with `jobGraph`. */
export function checkJobGraph(jobGraph: JobGraph): void {
  if (jobGraph === null || typeof jobGraph !== 'object')
    throw new InvalidJobError('A job graph must be an object.');
  if (typeof jobGraph.jobId !== 'string' || !/^[0-9a-zA-Z_-]{1,64}$/.test(jobGraph.jobId)) {
    throw new InvalidJobError(
      `The job id must be 1-64 letters, digits, _ or -, got ${String(jobGraph.jobId)}.`,
    );
  }
  if (typeof jobGraph.name !== 'string') throw new InvalidJobError('The job name must be a string.');
  if (!Array.isArray(jobGraph.tasks) || jobGraph.tasks.length === 0) {
    throw new InvalidJobError('A job needs a non-empty array of tasks.');
  }
  jobGraph.tasks.forEach((task, index) => {
    if (task === null || typeof task !== 'object')
      throw new InvalidJobError(`Task ${index} must be an object.`);
    if (typeof task.module !== 'string' || task.module.length === 0) {
      throw new InvalidJobError(`Task ${index}: module must be a non-empty string.`);
    }
    if (typeof task.exportName !== 'string' || task.exportName.length === 0) {
      throw new InvalidJobError(`Task ${index}: export must be a non-empty string.`);
    }
    if (!Array.isArray(task.args)) throw new InvalidJobError(`Task ${index}: args must be an array.`);
  });
  const restart = jobGraph.restartStrategy;
  if (
    restart === null ||
    typeof restart !== 'object' ||
    !Number.isInteger(restart.attempts) ||
    restart.attempts < 0 ||
    typeof restart.delayMs !== 'number' ||
    !(restart.delayMs >= 0)
  ) {
    throw new InvalidJobError('restartStrategy needs attempts (a whole number ≥ 0) and delayMs (≥ 0).');
  }
}
