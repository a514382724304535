// The thread a slot's tasks run on: one node:worker_threads Worker per slot,
// started for the slot's first task and kept for the next ones (a worker costs
// ~20 ms to start, a tiny task microseconds). Flink gives every Task its own
// thread; here a slot's tasks take turns on its worker, in submission order.
//
// Ending a running task ends the worker: JavaScript cannot interrupt a function,
// but terminate() stops even `while (true) {}`. The next task starts a fresh
// worker, as it does after a worker that died on its own.

import { Worker } from 'node:worker_threads';

import type { SerializedError } from '../../../actor/error-codec.js';
import { trackWorker } from '../../../rpc/worker-registry.js';
import type { TaskInvokable } from '../../types/task-deployment-descriptor.js';
import { TaskInvokableError, TaskWorkerExitedError } from './task-errors.js';
import type { TaskRunReply } from './task-slot-worker-protocol.js';

/** What the slot worker runs, and whom it tells how the run went. Exactly one outcome per run. */
export interface SlotWorkerJob {
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
  private running: SlotWorkerJob | undefined;
  private readonly queue: SlotWorkerJob[] = [];
  /** Set while a worker is being ended on purpose; nothing is dispatched until it is gone. */
  private retiring: Promise<void> | undefined;
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
   * worker. Settles once the job's code can no longer run. No outcome is reported
   * for an aborted job.
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

  /** Ends the worker for good; jobs still here are lost. Settles once the thread has exited. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const lost = new TaskWorkerExitedError(`The worker of ${this.name} has been closed.`);
    const jobs = this.running ? [this.running, ...this.queue] : [...this.queue];
    this.running = undefined;
    this.queue.length = 0;
    this.closing = this.retireWorker();
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
    try {
      worker.postMessage(job.invokable);
    } catch (cause) {
      // Arguments that reached the TaskExecutor by RPC clone; this guards direct callers.
      this.running = undefined;
      job.onWorkerLost(
        new TaskInvokableError("The task's invokable could not be sent to its worker.", { cause }),
      );
      this.dispatchNext();
      return;
    }
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
    this.dispatchNext();
  }

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
    void retiring.then(() => {
      if (this.retiring === retiring) this.retiring = undefined;
      this.dispatchNext();
    });
    return retiring;
  }
}
