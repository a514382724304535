// Sends the executions the scheduler placed to their TaskExecutors: what one
// turn of the scheduler placed on one TaskExecutor leaves as one submitTasks
// call, cut into several when it would not fit into one message. Mirrors
// Flink's DefaultExecutionDeployer, which submits each execution with its own
// submitTask; batching matters here because a slot of short tasks queues
// several executions, and a main thread that posts one message per task spends
// most of its time posting.

import type { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import type { JobMasterId, ResourceID } from '../types/ids.js';
import { SerializedThrowable } from '../types/serialized-throwable.js';
import type { TaskDeploymentDescriptor } from '../types/task-deployment-descriptor.js';

/** How one deployment ended: accepted, or refused (or unsent) with an error. */
export interface DeploymentOutcome {
  accepted(): void;
  failed(error: unknown): void;
}

interface Batch {
  readonly gateway: TaskExecutorGateway;
  readonly tdds: TaskDeploymentDescriptor[];
  readonly outcomes: DeploymentOutcome[];
  bytes: number;
}

export class ExecutionDeployer {
  private readonly batches = new Map<ResourceID, Batch>();
  private flushQueued = false;
  private readonly flush = () => this.flushAll();

  constructor(
    private readonly jobMasterId: JobMasterId,
    private readonly rpcTimeoutMs: number,
    /** The most a batch's deployments may add up to (see task-size.ts); one larger deployment goes alone. */
    private readonly maxBatchBytes: number = Infinity,
  ) {}

  /** Queues `tdd`, which adds `bytes` to a message, for the TaskExecutor `resourceId`; it leaves by the end of this turn. */
  deploy(
    resourceId: ResourceID,
    gateway: TaskExecutorGateway,
    tdd: TaskDeploymentDescriptor,
    bytes: number,
    outcome: DeploymentOutcome,
  ): void {
    let batch = this.batches.get(resourceId);
    if (batch && batch.bytes + bytes > this.maxBatchBytes) {
      // Full: it leaves now, and this deployment starts the next one.
      this.batches.delete(resourceId);
      this.send(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { gateway, tdds: [], outcomes: [], bytes: 0 };
      this.batches.set(resourceId, batch);
    }
    batch.tdds.push(tdd);
    batch.outcomes.push(outcome);
    batch.bytes += bytes;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flush);
    }
  }

  private flushAll(): void {
    this.flushQueued = false;
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const batch of batches) this.send(batch);
  }

  private send({ gateway, tdds, outcomes }: Batch): void {
    gateway.submitTasks(tdds, this.jobMasterId, this.rpcTimeoutMs).then(
      (answers) =>
        answers.forEach((answer, i) => {
          if (answer === null) outcomes[i]?.accepted();
          else outcomes[i]?.failed(SerializedThrowable.deserialize(answer, 'submitTask'));
        }),
      (error: unknown) => {
        for (const outcome of outcomes) outcome.failed(error);
      },
    );
  }
}
