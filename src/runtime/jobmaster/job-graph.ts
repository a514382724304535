// A user's job, checked and turned into the JobGraph the Dispatcher and the
// JobMaster take (types/job-graph.ts). Mirrors what Flink's client does when it
// compiles a program into a JobGraph; here a job is a list of module exports.

import { JobID } from '../types/ids.js';
import type { JobGraph, RestartStrategyConfiguration } from '../types/job-graph.js';
import type { TaskInvokable } from '../types/task-deployment-descriptor.js';
import { InvalidJobError } from './job-master-errors.js';
import { kEnvelopeBytes, maxTaskBytes, wireBytes } from './task-size.js';

/** What a user hands in; see MiniCluster.submitJob. */
export interface JobSpec {
  readonly name?: string;
  readonly tasks: readonly TaskSpec[];
  readonly restart?: {
    readonly attempts?: number;
    readonly delayMs?: number;
    /**
     * Redeployments of a task whose TaskExecutor or slot was lost while it ran
     * that use no attempt. Default: the cluster's
     * jobmanager.execution.lost-task-executor-redeployments (3).
     */
    readonly lostTaskExecutorRedeployments?: number;
  };
}

export interface TaskSpec {
  /** The task's ES module: a URL (`file:`, `data:`) or an absolute path. */
  readonly module: string | URL;
  /** The export to call. Default: `default`. */
  readonly export?: string;
  /** Arguments of the call; they must survive a structured clone. */
  readonly args?: readonly unknown[];
}

export interface JobGraphLimits {
  /** The frame limit of the RpcService that sends the job (maxFrameBytes): each task must fit, and the job. */
  readonly maxFrameBytes?: number;
}

/** Checks a user's job and turns it into a JobGraph; throws InvalidJobError with a precise message. */
export function createJobGraph(
  spec: JobSpec,
  jobId: JobID = JobID.generate(),
  limits: JobGraphLimits = {},
): JobGraph {
  if (spec === null || typeof spec !== 'object') throw new InvalidJobError('A job must be an object.');
  const name = spec.name ?? `job ${jobId}`;
  if (typeof name !== 'string') throw new InvalidJobError('The job name must be a string.');
  if (!Array.isArray(spec.tasks) || spec.tasks.length === 0) {
    throw new InvalidJobError('A job needs a non-empty array of tasks.');
  }
  const tasks = spec.tasks.map((task, index) => toInvokable(task, index));
  const jobGraph = { jobId, name, tasks, restartStrategy: restartStrategyOf(spec.restart) };
  if (limits.maxFrameBytes !== undefined) checkSizes(jobGraph, limits.maxFrameBytes);
  return jobGraph;
}

function toInvokable(task: TaskSpec, index: number): TaskInvokable {
  if (task === null || typeof task !== 'object')
    throw new InvalidJobError(`Task ${index} must be an object.`);
  const module = moduleUrlOf(task.module, index);
  const exportName = task.export ?? 'default';
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new InvalidJobError(`Task ${index}: export must be a non-empty string.`);
  }
  const args = task.args ?? [];
  if (!Array.isArray(args)) throw new InvalidJobError(`Task ${index}: args must be an array.`);
  try {
    structuredClone(args);
  } catch (cause) {
    throw new InvalidJobError(`Task ${index}: args cannot be sent to a worker thread.`, { cause });
  }
  return { module, exportName, args };
}

/**
 * Each task must fit into one deployment message, and the whole job into the
 * one message that submits it; otherwise every deployment would fail.
 */
function checkSizes(jobGraph: JobGraph, maxFrameBytes: number): void {
  const taskLimit = maxTaskBytes(maxFrameBytes);
  let total = 0;
  jobGraph.tasks.forEach((task, index) => {
    const bytes = wireBytes(task, taskLimit);
    if (bytes > taskLimit) {
      throw new InvalidJobError(
        `Task ${index} takes ${bytes} bytes with its arguments, more than one message may carry ` +
          `(maxFrameBytes: ${maxFrameBytes} bytes, ${maxFrameBytes - taskLimit} of them kept for the envelope). ` +
          'Pass large data by reference (a file path or URL) instead.',
      );
    }
    total += bytes;
  });
  const jobLimit = maxFrameBytes - kEnvelopeBytes;
  // The task figures are upper bounds: measure exactly before refusing the job.
  if (total + 2 * jobGraph.name.length <= jobLimit) return;
  const bytes = wireBytes(jobGraph, jobLimit);
  if (bytes > jobLimit) {
    throw new InvalidJobError(
      `The job's ${jobGraph.tasks.length} tasks take ${bytes} bytes together, more than the one message ` +
        `that submits them may carry (maxFrameBytes: ${maxFrameBytes} bytes). Pass large data by reference ` +
        '(a file path or URL), or split the job.',
    );
  }
}

function moduleUrlOf(module: unknown, index: number): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) {
    throw new InvalidJobError(`Task ${index}: module must be a URL or an absolute path.`);
  }
  if (module.startsWith('/')) return module;
  try {
    return new URL(module).href;
  } catch {
    throw new InvalidJobError(`Task ${index}: module '${module}' is neither a URL nor an absolute path.`);
  }
}

function restartStrategyOf(restart: JobSpec['restart']): RestartStrategyConfiguration {
  const attempts = restart?.attempts ?? 0;
  const delayMs = restart?.delayMs ?? 0;
  const free = restart?.lostTaskExecutorRedeployments;
  if (!Number.isInteger(attempts) || attempts < 0) {
    throw new InvalidJobError(`restart.attempts must be a whole number ≥ 0, got ${String(attempts)}.`);
  }
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new InvalidJobError(`restart.delayMs must be a number ≥ 0, got ${String(delayMs)}.`);
  }
  if (free === undefined) return { attempts, delayMs };
  if (!Number.isInteger(free) || free < 0) {
    throw new InvalidJobError(
      `restart.lostTaskExecutorRedeployments must be a whole number ≥ 0, got ${String(free)}.`,
    );
  }
  return { attempts, delayMs, lostTaskExecutorRedeployments: free };
}
