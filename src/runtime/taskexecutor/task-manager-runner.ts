// Runs one TaskExecutor and decides what its end means. Mirrors Flink's
// TaskManagerRunner: it builds the TaskExecutor from a Configuration, is its
// fatal error handler, and treats an unexpected end of the TaskExecutor as
// fatal. Where Flink exits the JVM, the runner settles its termination future
// with FAILURE and the cause; the worker entry then ends the thread with it.

import { getLogger } from '../../actor/logger.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { Configuration } from '../configuration/configuration.js';
import { TaskManagerConfiguration } from '../configuration/task-manager-configuration.js';
import type { TaskBlobService } from './task/task-code.js';
import { HeartbeatServices } from '../heartbeat/heartbeat-services.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import { ResourceID } from '../types/ids.js';
import type { ResourceProfile } from '../types/resource-profile.js';
import type { FatalErrorHandler } from './fatal-error-handler.js';
import { createMetricRegistry } from '../metrics/metric-registry-factory.js';
import { TaskExecutor } from './task-executor.js';
import { TaskExecutorFatalError } from './task-executor-errors.js';

const log = getLogger('TaskManagerRunner');
/** As Flink's TaskManagerRunner, a TaskExecutor gets 10 s to stop before the runner gives up on it. */
const kShutdownTimeoutMs = 10_000;

function boundedTermination(termination: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TaskExecutorFatalError(`The TaskExecutor did not stop within ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  return Promise.race([termination, timeout]).finally(() => clearTimeout(timer));
}

/** SUCCESS: closed on request. FAILURE: a fatal error or an unexpected end; `cause` says which. */
export type TaskManagerRunnerResult =
  { readonly result: 'SUCCESS' } | { readonly result: 'FAILURE'; readonly cause: Error };

export interface TaskManagerRunnerOptions {
  readonly configuration: Configuration;
  readonly haServices: HighAvailabilityServices;
  /** Default: a random ResourceID, as MiniCluster gives each TaskExecutor. */
  readonly resourceId?: ResourceID;
  readonly heartbeatServices?: HeartbeatServices;
  readonly totalResourceProfile?: ResourceProfile;
  readonly scheduler?: ScheduledExecutor;
  /** The entry of the slots' task workers; see TaskExecutorServices. */
  readonly taskSlotWorkerEntry?: URL;
  /** Where `blob:` task modules come from; see TaskExecutorServices. */
  readonly blobService?: TaskBlobService;
}

export class TaskManagerRunner implements FatalErrorHandler {
  readonly resourceId: ResourceID;
  private readonly taskExecutor: TaskExecutor;
  private readonly termination: Promise<TaskManagerRunnerResult>;
  private settle!: (result: TaskManagerRunnerResult) => void;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly rpcService: RpcService,
    options: TaskManagerRunnerOptions,
  ) {
    this.resourceId = options.resourceId ?? ResourceID.generate();
    this.termination = new Promise((resolve) => (this.settle = resolve));
    this.taskExecutor = new TaskExecutor(rpcService, {
      resourceId: this.resourceId,
      configuration: TaskManagerConfiguration.fromConfiguration(options.configuration),
      haServices: options.haServices,
      heartbeatServices:
        options.heartbeatServices ?? HeartbeatServices.fromConfiguration(options.configuration),
      fatalErrorHandler: this,
      ...(options.totalResourceProfile ? { totalResourceProfile: options.totalResourceProfile } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.taskSlotWorkerEntry ? { taskSlotWorkerEntry: options.taskSlotWorkerEntry } : {}),
      ...(options.blobService ? { blobService: options.blobService } : {}),
      metricRegistry: createMetricRegistry(options.configuration),
    });
  }

  start(): void {
    this.taskExecutor.start();
    this.taskExecutor.getTerminationFuture().then(
      () => this.onTaskExecutorTerminated(undefined),
      (error: unknown) => this.onTaskExecutorTerminated(error),
    );
  }

  getAddress(): string {
    return this.taskExecutor.getAddress();
  }

  getTaskExecutor(): TaskExecutor {
    return this.taskExecutor;
  }

  /** Settles once the runner has ended, with how it ended. Never rejects. */
  getTerminationFuture(): Promise<TaskManagerRunnerResult> {
    return this.termination;
  }

  onFatalError(error: Error): void {
    log.error(`Fatal error occurred while executing the TaskManager ${this.resourceId}. Shutting it down...`);
    this.closeWith({ result: 'FAILURE', cause: error });
  }

  closeAsync(): Promise<void> {
    return this.closeWith({ result: 'SUCCESS' });
  }

  private closeWith(outcome: TaskManagerRunnerResult): Promise<void> {
    this.closing ??= boundedTermination(this.taskExecutor.closeAsync(), kShutdownTimeoutMs).then(
      () => this.settle(outcome),
      (error: unknown) =>
        this.settle(
          outcome.result === 'FAILURE'
            ? outcome
            : {
                result: 'FAILURE',
                cause: new TaskExecutorFatalError('The TaskExecutor failed to stop.', { cause: error }),
              },
        ),
    );
    return this.closing;
  }

  private onTaskExecutorTerminated(error: unknown): void {
    // A shutdown of the runner or of the whole thread's RpcService ends the TaskExecutor on purpose.
    if (this.closing || this.rpcService.isClosing()) {
      if (!this.closing) this.settle({ result: 'SUCCESS' });
      return;
    }
    this.onFatalError(
      new TaskExecutorFatalError(
        'Unexpected termination of the TaskExecutor.',
        error === undefined ? {} : { cause: error },
      ),
    );
  }
}
