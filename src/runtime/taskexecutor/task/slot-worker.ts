// The thread a slot's tasks run on: one node:worker_threads Worker per slot,
// kept warm for as long as the TaskExecutor lives. It is started when the slot
// is first allocated, before its first task arrives, and it serves every job
// the slot is allocated to after that (a worker costs ~20 ms to start, a tiny
// task microseconds). Flink gives every Task its own thread; here a slot's tasks
// take turns on its worker, in submission order.
//
// Jobs share the thread but not their modules: each job imports a task module
// under its own cache key (see workers/task-slot-worker.ts), so the next job's
// tasks get fresh module instances. What a module does to globalThis is
// shared, as are the modules it imports itself; a worker that has served
// kRecycleAfterJobs jobs is replaced when its slot is freed, so module
// instances of old jobs cannot pile up without end.
//
// Ending a running task ends the worker: JavaScript cannot interrupt a function,
// but terminate() stops even `while (true) {}`. A worker that is ended, crashes
// or runs out of memory is replaced at once, in the background, so the next
// task does not wait for a thread to start.

import { Worker } from 'node:worker_threads';

import type { SerializedError } from '../../../actor/error-codec.js';
import { getLogger } from '../../../actor/logger.js';
import { trackWorker } from '../../../rpc/worker-registry.js';
import type { JobID } from '../../types/ids.js';
import type { TaskInvokable } from '../../types/task-deployment-descriptor.js';
import { TaskInvokableError, TaskWorkerExitedError } from './task-errors.js';
import type { TaskRunReply, TaskRunRequest } from './task-slot-worker-protocol.js';

const log = getLogger('SlotWorker');

/** Distinct jobs a worker serves before it is replaced, when its slot is next freed. */
export const kRecycleAfterJobs = 32;

/** What the slot worker runs, and whom it tells how the run went. Exactly one outcome per run. */
export interface SlotWorkerJob {
  readonly jobId: JobID;
  readonly invokable: TaskInvokable;
  /** The worker has been handed the job. */
  onRunning(): void;
  onFinished(value: unknown): void;
  /** The job's code threw, or could not be loaded or answered. */
  onFailed(error: SerializedError): void;
  /** The worker ended under the job, or the slot worker was closed before the job could run. */
  onWorkerLost(cause: Error): void;
}

export class SlotWorker {
  private worker: Worker | undefined;
  /** The jobs the current worker has served, for recycling. */
  private jobsServed = new Set<JobID>();
  private running: SlotWorkerJob | undefined;
  private readonly queue: SlotWorkerJob[] = [];
  /** Set while a worker is being ended on purpose; nothing is dispatched until it is gone. */
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
    return this.worker?.threadId;
  }

  /** Starts the worker now, if it is not running, so that the first task finds it warm. */
  prestart(): void {
    if (this.worker || this.closing) return;
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
    if (this.running || this.retiring) this.queue.push(job);
    else this.dispatch(job);
  }

  /**
   * Takes `job` back: a waiting job leaves the queue; a running one ends the
   * worker, and a fresh one starts in its place. Settles once the job's code can
   * no longer run. No outcome is reported for an aborted job.
   */
  abort(job: SlotWorkerJob): Promise<void> {
    if (this.running === job) {
      this.running = undefined;
      return this.retireWorker();
    }
    const index = this.queue.indexOf(job);
    if (index !== -1) this.queue.splice(index, 1);
    return Promise.resolve();
  }

  /** The slot was freed: a worker that has served many jobs is replaced now, while nothing runs. */
  released(): void {
    if (this.running || this.queue.length > 0 || this.jobsServed.size < kRecycleAfterJobs) return;
    log.debug(`Recycling the worker of ${this.name} after ${this.jobsServed.size} jobs.`);
    void this.retireWorker();
  }

  /** Ends the worker for good; jobs still here are lost. Settles once the thread has exited. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const lost = new TaskWorkerExitedError(`The worker of ${this.name} has been closed.`);
    const jobs = this.running ? [this.running, ...this.queue] : [...this.queue];
    this.running = undefined;
    this.queue.length = 0;
    this.closing = Promise.resolve();
    void this.retireWorker();
    this.closing = Promise.all(this.ending).then(() => {});
    for (const job of jobs) job.onWorkerLost(lost);
    return this.closing;
  }

  private dispatch(job: SlotWorkerJob): void {
    let worker = this.worker;
    if (!worker) {
      try {
        worker = this.startWorker();
      } catch (cause) {
        job.onWorkerLost(new TaskWorkerExitedError(`Could not start the worker of ${this.name}.`, { cause }));
        this.dispatchNext();
        return;
      }
    }
    this.running = job;
    const { module, exportName, args } = job.invokable;
    try {
      worker.postMessage({ jobId: job.jobId, module, exportName, args } satisfies TaskRunRequest);
    } catch (cause) {
      // Arguments that reached the TaskExecutor by RPC clone; this guards direct callers.
      this.running = undefined;
      job.onWorkerLost(
        new TaskInvokableError("The task's invokable could not be sent to its worker.", { cause }),
      );
      this.dispatchNext();
      return;
    }
    this.jobsServed.add(job.jobId);
    job.onRunning();
  }

  private dispatchNext(): void {
    if (this.running || this.retiring || this.closing) return;
    const next = this.queue.shift();
    if (next) this.dispatch(next);
  }

  private startWorker(): Worker {
    const worker = new Worker(this.entry, { name: this.name });
    trackWorker(new Promise((resolve) => worker.once('exit', resolve)));
    worker.on('message', (reply: TaskRunReply) => this.onReply(worker, reply));
    worker.on('error', (error) => {
      if (worker === this.worker) this.lastError = error;
    });
    worker.once('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
    this.jobsServed = new Set();
    this.lastError = undefined;
    return worker;
  }

  private onReply(worker: Worker, reply: TaskRunReply): void {
    // A worker being ended may still deliver a reply; its job has been taken back.
    if (worker !== this.worker) return;
    const job = this.running;
    if (!job) return;
    this.running = undefined;
    if (reply.ok) job.onFinished(reply.value);
    else job.onFailed(reply.error);
    this.dispatchNext();
  }

  /** The worker ended on its own: it crashed, exited or ran out of memory. */
  private onExit(worker: Worker, exitCode: number): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const job = this.running;
    const cause = this.lastError;
    this.running = undefined;
    this.lastError = undefined;
    if (job) {
      job.onWorkerLost(
        new TaskWorkerExitedError(
          `The worker of ${this.name} exited with code ${exitCode} while running the task` +
            (cause ? `: ${cause.message}` : '.'),
          cause ? { cause } : undefined,
        ),
      );
    }
    if (this.queue.length > 0) this.dispatchNext();
    else this.prestart();
  }

  /** Ends the current worker; unless closing, a fresh one starts at once in its place. */
  private retireWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return this.retiring ?? Promise.resolve();
    this.worker = undefined;
    this.lastError = undefined;
    const retiring = worker.terminate().then(
      () => {},
      () => {},
    );
    this.retiring = retiring;
    this.ending.add(retiring);
    // The replacement boots while the old thread is being ended; tasks wait for the old one to be gone.
    this.prestart();
    void retiring.then(() => {
      this.ending.delete(retiring);
      if (this.retiring === retiring) this.retiring = undefined;
      this.dispatchNext();
    });
    return retiring;
  }
}
