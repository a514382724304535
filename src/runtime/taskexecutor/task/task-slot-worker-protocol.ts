// The messages between a slot's worker and the TaskExecutor, all in one place.
// The TaskExecutor posts the tasks of a slot in batches, ahead of time: the
// worker keeps them in order and runs them one at a time, and posts their
// outcomes in batches too. Each task has a claim, an Int32 in memory both
// threads share: the worker moves it from QUEUED to STARTED with one
// compare-and-swap before it runs the task, and the TaskExecutor takes back a
// task that has not started by moving it from QUEUED to CANCELLED. Whoever
// swaps first wins, so a task taken back never runs, and one that started is
// known to have started, without a round trip. Claims are reused once the
// worker has answered for them.

import type { SerializedError } from '../../../actor/error-codec.js';
import type { TaskInvokable } from '../../types/task-deployment-descriptor.js';

/** How many tasks may be posted to a worker and not answered yet: the claims one worker has. */
export const kClaims = 256;

/** A claim's states. FREE: unused; the rest follow the task. */
export const ClaimState = {
  FREE: 0,
  QUEUED: 1,
  STARTED: 2,
  DONE: 3,
  CANCELLED: 4,
} as const;

/** What a worker is started with. */
export interface TaskSlotWorkerData {
  /** kClaims Int32 claims. */
  readonly claims: SharedArrayBuffer;
}

/** TaskExecutor → worker, in batches (TaskRunRequest[]): run this, for that job, under that claim. */
export interface TaskRunRequest extends TaskInvokable {
  readonly jobId: string;
  readonly claim: number;
}

/**
 * Worker → TaskExecutor, once, as soon as the worker listens: an empty batch.
 * A worker that replaces a worn one takes over only then (SlotWorker).
 */
export type TaskSlotWorkerReady = readonly [];

/**
 * Worker → TaskExecutor, in batches (TaskRunReply[]), in the order the tasks
 * were posted: what a task returned or threw (encoded with encodeError), or that
 * it was taken back before it started. `ms`: how long the task ran, as the
 * worker measured it (the TaskExecutor only sees when the batch came back).
 */
export type TaskRunReply =
  | { readonly claim: number; readonly ok: true; readonly value: unknown; readonly ms: number }
  | { readonly claim: number; readonly ok: false; readonly error: SerializedError }
  | { readonly claim: number; readonly cancelled: true };
