// The thread a slot's tasks run on: one node:worker_threads Worker per slot,
// kept warm for as long as the TaskExecutor lives. It is started when the slot
// is first allocated, before its first task arrives, and it serves every job
// the slot is allocated to after that (a worker takes 20-60 ms to start, about
// 100 ms of CPU on the 2-core test machine; a tiny task microseconds). Flink
// gives every Task its own thread; here a slot's tasks take turns on its
// worker, in submission order.
//
// Tasks are posted to the worker ahead of time, those of one turn in one
// message, and it answers in batches (workers/task-slot-worker.ts): a slot of
// tiny tasks costs a few messages per batch instead of two per task, and the
// worker starts the next task without waiting for this thread. Each posted
// task holds a claim in shared memory (task-slot-worker-protocol.ts), so that
// one can be taken back before it starts without asking the worker.
//
// Jobs share the thread but not their modules: each job imports a task module
// under its own cache key (see workers/task-slot-worker.ts), so the next job's
// tasks get fresh module instances. What a module does to globalThis is
// shared, as are the modules it imports itself. Module instances of old jobs
// cannot be unloaded, so a worker that has served kRecycleAfterJobs jobs is
// replaced: when its slot is freed, a fresh worker boots beside it while it goes
// on serving, and takes over once it has said it is ready and the slot is idle.
// No task waits for the new thread to start. A slot that is never idle keeps
// both threads until it is.
//
// Ending a running task ends the worker: JavaScript cannot interrupt a function,
// but terminate() stops even `while (true) {}`. Tasks posted to that worker that
// had not started go to its successor; one that had finished but not been
// answered for is lost with it. A worker that is ended, crashes or runs out of
// memory is replaced at once, in the background, so the next task does not wait
// for a thread to start.

import { Worker } from 'node:worker_threads';

import type { SerializedError } from '../../../actor/error-codec.js';
import { getLogger } from '../../../actor/logger.js';
import { trackWorker } from '../../../rpc/worker-registry.js';
import type { JobID } from '../../types/ids.js';
import type { TaskInvokable } from '../../types/task-deployment-descriptor.js';
import { TaskInvokableError, TaskWorkerExitedError } from './task-errors.js';
import {
  ClaimState,
  kClaims,
  type TaskRunReply,
  type TaskRunRequest,
  type TaskSlotWorkerData,
} from './task-slot-worker-protocol.js';

const log = getLogger('SlotWorker');

/**
 * Distinct jobs a worker serves before it is replaced. A job's module instance
 * of a tiny module is about 10 kB, and a replacement costs a thread start
 * (~100 ms of CPU here): at 32, one-task jobs spent a third of their CPU on it.
 */
export const kRecycleAfterJobs = 256;
/** Answered entries at the front of the posted list before it is cut; a busy slot may never empty it. */
const kCompactAfter = 1024;

/** What the slot worker runs, and whom it tells how the run went. Exactly one outcome per run. */
export interface SlotWorkerJob {
  readonly jobId: JobID;
  readonly invokable: TaskInvokable;
  /** The worker has started the job, or is about to: nothing runs before it in the slot. */
  onRunning(): void;
  /** `durationMs`: how long the job's code ran, from its start to its return value. */
  onFinished(value: unknown, durationMs: number): void;
  /** The job's code threw, or could not be loaded or answered. */
  onFailed(error: SerializedError): void;
  /** The worker ended under the job, or the slot worker was closed before the job could run. */
  onWorkerLost(cause: Error): void;
}

/** A job posted to the current worker; `job` is cleared when it is taken back before its answer. */
interface Posted {
  job: SlotWorkerJob | undefined;
  readonly claim: number;
  running: boolean;
}

/** One worker thread with its claims. */
interface Thread {
  readonly worker: Worker;
  readonly claims: Int32Array;
  readonly freeClaims: number[];
  /** Posted jobs not answered for yet, in the order they were posted, from `head` on. */
  posted: Posted[];
  head: number;
  /** The worker has said it is ready: its entry module has run (see TaskSlotWorkerReady). */
  ready: boolean;
}

export class SlotWorker {
  private thread: Thread | undefined;
  /** The next worker, booting while the current one, due to be recycled, goes on serving. */
  private successor: Thread | undefined;
  /** The jobs the current worker has served, for recycling. */
  private jobsServed = new Set<JobID>();
  /** Jobs not posted yet, in order. */
  private pending: SlotWorkerJob[] = [];
  private postQueued = false;
  private readonly postPending = () => {
    this.postQueued = false;
    this.post();
  };
  /** Set while a worker is being ended on purpose; nothing is posted until it is gone. */
  private retiring: Promise<void> | undefined;
  /** Every worker still being ended, so that close() settles once all of them are gone. */
  private readonly ending = new Set<Promise<void>>();
  private lastError: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly entry: URL,
    private readonly name: string,
  ) {}

  /** The thread id of the live worker, if there is one. */
  get threadId(): number | undefined {
    return this.thread?.worker.threadId;
  }

  /** Starts the worker now, if it is not running, so that the first task finds it warm. */
  prestart(): void {
    if (this.thread || this.closing) return;
    try {
      this.startWorker();
    } catch (error) {
      // The first task will try again and report why it could not.
      log.warn(`Could not start the worker of ${this.name} ahead of its tasks.`, error);
    }
  }

  /** Runs `job` now if the slot is idle, else after the jobs before it. */
  submit(job: SlotWorkerJob): void {
    if (this.closing) {
      job.onWorkerLost(new TaskWorkerExitedError(`The worker of ${this.name} has been closed.`));
      return;
    }
    this.pending.push(job);
    if (this.pending.length === 1 && this.inWorker() === 0) {
      // An idle slot starts its job at once; the jobs that follow in this turn share the next message.
      this.post();
    } else if (!this.postQueued) {
      this.postQueued = true;
      queueMicrotask(this.postPending);
    }
  }

  /**
   * Takes `job` back: one not started yet will not run; a running one ends the
   * worker, and a fresh one starts in its place. Settles once the job's code can
   * no longer run. No outcome is reported for an aborted job.
   */
  abort(job: SlotWorkerJob): Promise<void> {
    const index = this.pending.indexOf(job);
    if (index !== -1) {
      this.pending.splice(index, 1);
      return Promise.resolve();
    }
    const thread = this.thread;
    const posted = thread?.posted.find((entry, i) => i >= thread.head && entry.job === job);
    if (!thread || !posted) return Promise.resolve();
    posted.job = undefined;
    const was = Atomics.compareExchange(thread.claims, posted.claim, ClaimState.QUEUED, ClaimState.CANCELLED);
    // Not started, or finished already: its answer (or its "cancelled") is ignored when it comes.
    if (was !== ClaimState.STARTED) return Promise.resolve();
    return this.retireWorker();
  }

  /** The slot was freed: a worker that has served many jobs gets a successor, which takes over once it is up. */
  released(): void {
    if (this.jobsServed.size < kRecycleAfterJobs || this.successor || !this.thread || this.closing) return;
    log.debug(`Recycling the worker of ${this.name} after ${this.jobsServed.size} jobs.`);
    try {
      this.successor = this.launch();
    } catch (error) {
      log.warn(`Could not start a successor to the worker of ${this.name}; it goes on serving.`, error);
    }
  }

  /** Ends the worker for good; jobs still here are lost. Settles once the thread has exited. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const lost = new TaskWorkerExitedError(`The worker of ${this.name} has been closed.`);
    if (this.successor) void this.end(this.successor);
    this.successor = undefined;
    const jobs = this.takePosted().map(({ job }) => job);
    jobs.push(...this.pending);
    this.pending = [];
    this.closing = Promise.resolve();
    void this.retireWorker();
    this.closing = Promise.all(this.ending).then(() => {});
    for (const job of jobs) job.onWorkerLost(lost);
    return this.closing;
  }

  /** How many posted jobs the current worker has not answered for. */
  private inWorker(): number {
    const thread = this.thread;
    return thread ? thread.posted.length - thread.head : 0;
  }

  /** Posts the pending jobs, as many as there are claims, in one message. */
  private post(): void {
    if (this.pending.length === 0 || this.retiring || this.closing) return;
    let thread = this.thread;
    if (!thread) {
      try {
        thread = this.startWorker();
      } catch (cause) {
        const job = this.pending.shift() as SlotWorkerJob;
        job.onWorkerLost(new TaskWorkerExitedError(`Could not start the worker of ${this.name}.`, { cause }));
        this.post();
        return;
      }
    }
    const count = Math.min(this.pending.length, thread.freeClaims.length);
    if (count === 0) return;
    const jobs = this.pending.splice(0, count);
    const requests: TaskRunRequest[] = [];
    const entries: Posted[] = [];
    for (const job of jobs) {
      const claim = thread.freeClaims.pop() as number;
      Atomics.store(thread.claims, claim, ClaimState.QUEUED);
      const { module, exportName, args } = job.invokable;
      requests.push({ jobId: job.jobId, module, exportName, args, claim });
      entries.push({ job, claim, running: false });
    }
    try {
      thread.worker.postMessage(requests);
    } catch {
      // Arguments that reached the TaskExecutor by RPC clone; this guards direct callers.
      for (let i = 0; i < requests.length; i++) this.postAlone(thread, requests[i]!, entries[i]!);
      this.markHeadRunning(thread);
      return;
    }
    for (const entry of entries) {
      thread.posted.push(entry);
      this.jobsServed.add((entry.job as SlotWorkerJob).jobId);
    }
    this.markHeadRunning(thread);
  }

  private postAlone(thread: Thread, request: TaskRunRequest, entry: Posted): void {
    const job = entry.job as SlotWorkerJob;
    try {
      thread.worker.postMessage([request]);
    } catch (cause) {
      Atomics.store(thread.claims, entry.claim, ClaimState.FREE);
      thread.freeClaims.push(entry.claim);
      job.onWorkerLost(
        new TaskInvokableError("The task's invokable could not be sent to its worker.", { cause }),
      );
      return;
    }
    thread.posted.push(entry);
    this.jobsServed.add(job.jobId);
  }

  /** The first job the worker has not answered for is the one it runs. */
  private markHeadRunning(thread: Thread): void {
    for (let i = thread.head; i < thread.posted.length; i++) {
      const entry = thread.posted[i] as Posted;
      if (!entry.job) continue;
      if (!entry.running) {
        entry.running = true;
        entry.job.onRunning();
      }
      return;
    }
  }

  /** Makes the successor, if one is booting, or else a new worker, the current one. */
  private startWorker(): Thread {
    const thread = this.successor ?? this.launch();
    this.successor = undefined;
    this.use(thread);
    return thread;
  }

  private use(thread: Thread): void {
    this.thread = thread;
    this.jobsServed = new Set();
    this.lastError = undefined;
  }

  /** The successor takes over once it is ready and the current worker has nothing left to answer. */
  private swapIfIdle(): void {
    const successor = this.successor;
    if (!successor?.ready || this.pending.length > 0 || this.inWorker() > 0 || this.retiring) return;
    this.successor = undefined;
    const worn = this.thread;
    this.use(successor);
    if (worn) void this.end(worn);
  }

  /** Ends a worker that is no longer the current one; close() waits for it. */
  private end(thread: Thread): Promise<void> {
    const ended = thread.worker.terminate().then(
      () => {},
      () => {},
    );
    this.ending.add(ended);
    void ended.then(() => this.ending.delete(ended));
    return ended;
  }

  private launch(): Thread {
    const claims = new SharedArrayBuffer(kClaims * Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(this.entry, {
      name: this.name,
      workerData: { claims } satisfies TaskSlotWorkerData,
    });
    const freeClaims: number[] = [];
    for (let claim = kClaims - 1; claim >= 0; claim--) freeClaims.push(claim);
    const thread: Thread = {
      worker,
      claims: new Int32Array(claims),
      freeClaims,
      posted: [],
      head: 0,
      ready: false,
    };
    trackWorker(new Promise((resolve) => worker.once('exit', resolve)));
    worker.on('message', (replies: TaskRunReply[]) => {
      if (replies.length > 0) {
        this.onReplies(thread, replies);
        return;
      }
      thread.ready = true;
      if (thread === this.successor) this.swapIfIdle();
    });
    worker.on('error', (error) => {
      if (thread === this.thread) this.lastError = error;
    });
    worker.once('exit', (code) => this.onExit(thread, code));
    return thread;
  }

  private onReplies(thread: Thread, replies: readonly TaskRunReply[]): void {
    // A worker being ended may still answer; what it held has been taken back or handed on.
    if (thread !== this.thread) return;
    for (const reply of replies) {
      const entry = thread.posted[thread.head];
      if (entry?.claim !== reply.claim) {
        log.error(`The worker of ${this.name} answered out of order (claim ${reply.claim}); ignored.`);
        continue;
      }
      thread.posted[thread.head++] = undefined as unknown as Posted;
      Atomics.store(thread.claims, entry.claim, ClaimState.FREE);
      thread.freeClaims.push(entry.claim);
      const job = entry.job;
      if (!job || 'cancelled' in reply) continue;
      if (!entry.running) job.onRunning();
      if (reply.ok) job.onFinished(reply.value, reply.ms);
      else job.onFailed(reply.error);
    }
    if (thread.head === thread.posted.length) {
      thread.posted = [];
      thread.head = 0;
    } else if (thread.head >= kCompactAfter) {
      thread.posted = thread.posted.slice(thread.head);
      thread.head = 0;
    }
    this.markHeadRunning(thread);
    this.post();
    this.swapIfIdle();
  }

  /** The posted jobs of the current worker, in order, and none left there. */
  private takePosted(): { job: SlotWorkerJob; claim: number }[] {
    const thread = this.thread;
    if (!thread) return [];
    const taken: { job: SlotWorkerJob; claim: number }[] = [];
    for (let i = thread.head; i < thread.posted.length; i++) {
      const { job, claim } = thread.posted[i] as Posted;
      if (job) taken.push({ job, claim });
    }
    thread.posted = [];
    thread.head = 0;
    return taken;
  }

  /**
   * The worker is going: the posted jobs it has not started go back to the
   * front of the queue, for its successor; the others are lost with `cause`,
   * and so is `blame` (the job it ended under), started or not.
   */
  private handOver(thread: Thread, cause: () => Error, blameFirst: boolean): void {
    const requeued: SlotWorkerJob[] = [];
    const taken = this.takePosted();
    taken.forEach(({ job, claim }, i) => {
      const was = Atomics.compareExchange(thread.claims, claim, ClaimState.QUEUED, ClaimState.CANCELLED);
      if (was === ClaimState.QUEUED && !(blameFirst && i === 0)) requeued.push(job);
      else job.onWorkerLost(cause());
    });
    this.pending.unshift(...requeued);
  }

  /** The worker ended on its own: it crashed, exited or ran out of memory. */
  private onExit(thread: Thread, exitCode: number): void {
    if (thread === this.successor) {
      // The current worker goes on; the next release tries another successor.
      this.successor = undefined;
      log.warn(
        `The successor to the worker of ${this.name} exited with code ${exitCode} before it took over.`,
      );
      return;
    }
    if (thread !== this.thread) return;
    const cause = this.lastError;
    this.lastError = undefined;
    // The first job not answered for is blamed even if it had not started: each crash costs a job, so a
    // worker that cannot even start cannot keep its slot's queue going round for ever.
    this.handOver(
      thread,
      () =>
        new TaskWorkerExitedError(
          `The worker of ${this.name} exited with code ${exitCode} while running the task` +
            (cause ? `: ${cause.message}` : '.'),
          cause ? { cause } : undefined,
        ),
      true,
    );
    this.thread = undefined;
    if (this.pending.length > 0) this.post();
    else this.prestart();
  }

  /** Ends the current worker; unless closing, a fresh one starts at once in its place. */
  private retireWorker(): Promise<void> {
    const thread = this.thread;
    if (!thread) return this.retiring ?? Promise.resolve();
    this.handOver(
      thread,
      () =>
        new TaskWorkerExitedError(`The worker of ${this.name} was ended before it answered for the task.`),
      false,
    );
    this.thread = undefined;
    this.lastError = undefined;
    const retiring = this.end(thread);
    this.retiring = retiring;
    // The replacement boots while the old thread is being ended; tasks wait for the old one to be gone.
    this.prestart();
    void retiring.then(() => {
      if (this.retiring === retiring) this.retiring = undefined;
      this.post();
    });
    return retiring;
  }
}
