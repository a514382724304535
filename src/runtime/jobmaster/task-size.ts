// How large a task is on the wire, measured as the sender measures it
// (src/actor/clone-check.ts checkOutgoing: an upper-bound estimate, exact when
// over the limit). A task whose arguments cannot fit into one message is
// refused when the job is submitted, naming the task and its size, instead of
// failing each time it is deployed; the JobMaster cuts its deployment batches
// to fit as well. Flink has no such check: there, a frame over the limit is
// dropped and the deployment times out.

import { checkOutgoing, FrameTooLargeError } from '../../actor/clone-check.js';
import type { TaskInvokable } from '../types/task-deployment-descriptor.js';

/** Room in a frame for the envelope around what it carries: addresses, method, ids, token. */
export const kEnvelopeBytes = 4096;
/** Room for the ids and numbers a TaskDeploymentDescriptor adds to its task's invokable. */
export const kDeploymentDescriptorBytes = 512;

/** The bytes `value` takes on the wire: an upper bound while at most `limitBytes`, else exact. */
export function wireBytes(value: unknown, limitBytes: number): number {
  try {
    return checkOutgoing(value, limitBytes);
  } catch (error) {
    if (error instanceof FrameTooLargeError) return error.bytes;
    throw error;
  }
}

/** The largest invokable whose deployment still fits into one message of `maxFrameBytes`. */
export function maxTaskBytes(maxFrameBytes: number): number {
  return maxFrameBytes - kEnvelopeBytes - kDeploymentDescriptorBytes;
}

/** What one task's deployment adds to a submitTasks message, as an upper bound. */
export function deploymentBytes(invokable: TaskInvokable): number {
  return wireBytes(invokable, Infinity) + kDeploymentDescriptorBytes;
}
