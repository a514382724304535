// Starting a worker thread with its own ActorSystem and RpcService, joined to
// the mesh. The handle says which thread it is, what the user module's start()
// returned, and ends the thread on terminate(). Flink has no equivalent: its
// TaskManagers are separate processes started by a deployment. A start that
// fails says why: start()'s own error as it is, or, when the thread ends first,
// an error whose cause is the thread's uncaught error with its class and code.

import { MessageChannel } from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { decodeError, encodeError } from '../actor/error-codec.js';
import { getLogger } from '../actor/logger.js';
import type { MeshBroker } from '../actor/message-port-transport.js';
import { boundedCall, wrapAdmin, type StartOutcome, type WorkerMetrics } from './admin-channel.js';
import { RecipientUnreachableError } from './errors.js';
import type { ResolvedRemote } from './remote-options.js';
import { startWorkerThread } from './worker-exec-argv.js';
import { trackWorker } from './worker-registry.js';

const log = getLogger('worker');

/** Passed to the worker host in workerData. */
export interface WorkerBoot {
  readonly dataPort: MessagePort;
  readonly adminPort: MessagePort;
  /** The host of the system that spawned the worker and brokers its channels. */
  readonly mainHost: string;
  readonly serviceOptions: Readonly<Record<string, unknown>>;
  /** Set when the spawning service listens on TCP: the worker listens on its own port too. */
  readonly remote: ResolvedRemote | undefined;
  readonly moduleUrl: string;
}

export interface SpawnWorkerOptions {
  /**
   * Passed to the module's start(rpc, workerData). Must be structured-cloneable.
   * A promise of it is awaited while the thread boots, so that a thread can
   * start before its data is known (the MiniCluster starts its TaskExecutors'
   * threads while the JobManager's starts); if it rejects, the thread ends and
   * the spawn fails with its error.
   */
  readonly workerData?: unknown;
  /** Thread name shown in debuggers and heap snapshots. */
  readonly name?: string;
  /**
   * The worker entry to run instead of the generic host. It must call
   * bootWorkerHost (src/rpc/worker-host.ts), usually with its module built in
   * and bundled into one file so that the worker starts faster.
   */
  readonly hostEntry?: string | URL;
  /** Worker resource limits, as for node:worker_threads. */
  readonly resourceLimits?: ConstructorParameters<typeof Worker>[1] extends infer O
    ? O extends { resourceLimits?: infer R }
      ? R
      : never
    : never;
}

export interface WorkerTimeouts {
  readonly startTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
}

export class WorkerHandle {
  /** The worker's host, as it announced it: `thread-N`, or `ip:port` when it listens on TCP. */
  host = '';
  /** Resolves with the exit code once the thread has ended. Never rejects. */
  readonly exited: Promise<number>;
  result: unknown;
  private terminating: Promise<number> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly admin: ReturnType<typeof wrapAdmin>,
    private readonly adminPort: MessagePort,
    private readonly timeouts: WorkerTimeouts,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /** The uncaught error that ended the worker, if one did. */
  get failure(): Error | undefined {
    return this.failureCause;
  }
  private failureCause: Error | undefined;

  get threadId(): number {
    return this.worker.threadId;
  }

  static async spawn(
    hostEntry: URL,
    moduleUrl: string,
    broker: MeshBroker,
    serviceOptions: Readonly<Record<string, unknown>>,
    remote: ResolvedRemote | undefined,
    options: SpawnWorkerOptions,
    timeouts: WorkerTimeouts,
  ): Promise<WorkerHandle> {
    const data = new MessageChannel();
    const admin = new MessageChannel();
    const boot: WorkerBoot = {
      dataPort: data.port2,
      adminPort: admin.port2,
      mainHost: broker.localHost,
      serviceOptions,
      remote,
      moduleUrl,
    };
    const worker = startWorkerThread(hostEntry, {
      workerData: boot,
      transferList: [data.port2, admin.port2],
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
    });
    const handle = new WorkerHandle(worker, wrapAdmin(admin.port1), admin.port1, timeouts);
    // The worker's first message on its data port names its host (it may have to bind a port first).
    const announced = broker.addWorker(data.port1);
    announced.then(
      (host) => (handle.host = host),
      () => data.port1.close(),
    );
    trackWorker(handle.exited);
    worker.on('error', (error) => {
      // Node keeps name, message, code and cause of an uncaught error; the codec
      // turns it back into its registered class.
      handle.failureCause = decodeError(encodeError(error), handle.host);
      log.debug(`Worker ${handle.host} failed:`, error);
    });
    handle.exited.then((code) => {
      if (handle.host) broker.workerExited(handle.host, code);
      admin.port1.close();
    });
    try {
      // The thread boots meanwhile: its start data travels with start().
      const userData = await boundedCall(
        Promise.resolve(options.workerData),
        'start (its data)',
        timeouts.startTimeoutMs,
        handle.exited,
      );
      const outcome = await boundedCall<StartOutcome>(
        handle.admin.start(userData),
        'start',
        timeouts.startTimeoutMs,
        handle.exited,
      );
      if (!outcome.ok) throw decodeError(outcome.error, handle.host || `thread-${handle.threadId}`);
      // Sent before start() ran, on another port: it is there, or about to be.
      await boundedCall(announced, 'start (host announcement)', timeouts.startTimeoutMs, handle.exited);
      handle.result = outcome.value;
      return handle;
    } catch (error) {
      await handle.terminate();
      throw withWorkerFailure(error, handle.failure);
    }
  }

  metrics(): Promise<WorkerMetrics> {
    return boundedCall(this.admin.metrics(), 'metrics', this.timeouts.shutdownTimeoutMs, this.exited);
  }

  /**
   * Closes the worker's RpcService (its endpoints' onStop run), then ends the
   * thread. Resolves with the exit code. Safe to call more than once.
   */
  terminate(): Promise<number> {
    this.terminating ??= (async () => {
      try {
        await boundedCall(this.admin.shutdown(), 'shutdown', this.timeouts.shutdownTimeoutMs, this.exited);
      } catch (error) {
        log.debug(`Graceful shutdown of ${this.host} failed; terminating it.`, error);
      }
      this.adminPort.close();
      await this.worker.terminate();
      return this.exited;
    })();
    return this.terminating;
  }

  /** Ends the thread at once, without a graceful shutdown, like a crash. */
  async kill(): Promise<number> {
    await this.worker.terminate();
    return this.exited;
  }
}

/**
 * A start that failed because the thread ended (its 'exit' came first) says
 * what ended it: the thread's uncaught error becomes the cause, its class and
 * code kept, and its first line joins the message.
 */
function withWorkerFailure(error: unknown, failure: Error | undefined): unknown {
  if (!failure || !(error instanceof RecipientUnreachableError) || error.cause !== undefined) return error;
  const code = (failure as { code?: unknown }).code;
  const summary = `${failure.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${failure.message}`;
  return new RecipientUnreachableError(`${error.message.replace(/\.$/, '')}: ${summary}`, { cause: failure });
}
