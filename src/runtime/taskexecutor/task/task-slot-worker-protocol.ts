// The messages between a slot's worker and the TaskExecutor, all in one place.
// One message each way per task: the TaskExecutor posts the task's invokable
// and its job (the key under which the worker keeps the job's modules), the
// worker posts the outcome. A worker runs one task at a time, so the reply
// needs no id; a worker that is being ended is ignored instead.

import type { SerializedError } from '../../../actor/error-codec.js';
import type { TaskInvokable } from '../../types/task-deployment-descriptor.js';

/** TaskExecutor → worker: run this, for that job. */
export interface TaskRunRequest extends TaskInvokable {
  readonly jobId: string;
}

/** Worker → TaskExecutor: what the task returned, or what it threw (encoded with encodeError). */
export type TaskRunReply =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SerializedError };
