// Sends the executions the scheduler placed to their TaskExecutors: what one
// turn of the scheduler placed on one TaskExecutor leaves as one submitTasks
// call. Mirrors Flink's DefaultExecutionDeployer, which submits each execution
// with its own submitTask; batching matters here because a slot of short tasks
// queues several executions, and a main thread that posts one message per task
// spends most of its time posting.

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
}

export class ExecutionDeployer {
  private readonly batches = new Map<ResourceID, Batch>();
  private flushQueued = false;
  private readonly flush = () => this.flushAll();

  constructor(
    private readonly jobMasterId: JobMasterId,
    private readonly rpcTimeoutMs: number,
  ) {}

  /** Queues `tdd` for the TaskExecutor `resourceId`; it leaves at the end of this turn. */
  deploy(
    resourceId: ResourceID,
    gateway: TaskExecutorGateway,
    tdd: TaskDeploymentDescriptor,
    outcome: DeploymentOutcome,
  ): void {
    let batch = this.batches.get(resourceId);
    if (!batch) {
      batch = { gateway, tdds: [], outcomes: [] };
      this.batches.set(resourceId, batch);
    }
    batch.tdds.push(tdd);
    batch.outcomes.push(outcome);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flush);
    }
  }

  private flushAll(): void {
    this.flushQueued = false;
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const { gateway, tdds, outcomes } of batches) {
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
}
