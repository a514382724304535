// Offers a job's reserved slots to its JobMaster and acts on the answer:
// accepted slots become active, the rest are freed. Mirrors Flink's
// TaskExecutor.offerSlotsToJobManager and handleAcceptedSlotOffers. Only the
// answer to a job's newest offer counts (FLINK-21859), and only while the
// JobMaster that answered is still the job's leader.

import { getLogger } from '../../actor/logger.js';
import { RpcTimeoutError } from '../../rpc/errors.js';
import { FlinkError } from '../flink-error.js';
import type { AllocationID, JobID, ResourceID } from '../types/ids.js';
import type { SlotOffer } from '../types/slot-offer.js';
import type { JobManagerConnection, JobTable } from './job-table.js';
import { SlotNotFoundError } from './slot/slot-errors.js';
import type { TaskSlotTable } from './slot/task-slot-table.js';
import type { Task } from './task/task.js';

const log = getLogger('TaskExecutor');

export interface SlotOffersContext {
  readonly resourceId: ResourceID;
  readonly rpcTimeoutMs: number;
  readonly taskSlotTable: TaskSlotTable<Task>;
  readonly jobTable: JobTable;
  /** Runs a task in the TaskExecutor's main thread. */
  runAsync(task: () => void): void;
  /** Frees a slot, as the TaskExecutor does, and tells the ResourceManager. */
  freeSlot(allocationId: AllocationID, cause: Error): void;
}

export class SlotOffers {
  /** The newest offer per job, by a count of offers (Flink draws a UUID per offer). */
  private readonly currentOfferPerJob = new Map<JobID, number>();
  private offers = 0;

  constructor(private readonly context: SlotOffersContext) {}

  /** Offers every slot reserved for `jobId` to its JobMaster, if it is connected. */
  offer(jobId: JobID): void {
    const { taskSlotTable, jobTable } = this.context;
    const connection = jobTable.getConnection(jobId);
    if (!connection || !taskSlotTable.hasAllocatedSlots(jobId)) return;
    const offers: SlotOffer[] = taskSlotTable
      .getAllocatedSlots(jobId)
      .map((slot) => slot.generateSlotOffer());
    const offerId = ++this.offers;
    this.currentOfferPerJob.set(jobId, offerId);
    log.info(`Offer reserved slots to the leader of job ${jobId}.`);
    connection.gateway.offerSlots(this.context.resourceId, offers, this.context.rpcTimeoutMs).then(
      (accepted) => this.context.runAsync(() => this.handleAccepted(connection, offers, offerId, accepted)),
      (error: unknown) => this.context.runAsync(() => this.handleFailed(connection, offers, offerId, error)),
    );
  }

  /** Forgets the job's offers: a late answer finds no current offer. */
  forget(jobId: JobID): void {
    this.currentOfferPerJob.delete(jobId);
  }

  private isCurrent(jobId: JobID, offerId: number): boolean {
    if (this.currentOfferPerJob.get(jobId) === offerId) return true;
    log.debug(`Discard slot offer response since there is a newer offer for the job ${jobId}.`);
    return false;
  }

  private handleFailed(
    connection: JobManagerConnection,
    offers: readonly SlotOffer[],
    offerId: number,
    error: unknown,
  ): void {
    if (!this.isCurrent(connection.jobId, offerId)) return;
    // The JobMaster that failed the offer is no longer the job's leader: the slots wait for the next one.
    if (!this.context.jobTable.isConnected(connection.jobId, connection.jobMasterId)) return;
    if (error instanceof RpcTimeoutError) {
      log.info('Slot offering to JobManager did not finish in time. Retrying the slot offering.');
      this.offer(connection.jobId);
      return;
    }
    const cause = error instanceof Error ? error : new FlinkError(String(error));
    log.warn(
      'Slot offering to JobManager failed. Freeing the slots and returning them to the ResourceManager.',
    );
    for (const offer of offers) this.context.freeSlot(offer.allocationId, cause);
  }

  private handleAccepted(
    connection: JobManagerConnection,
    offers: readonly SlotOffer[],
    offerId: number,
    accepted: readonly SlotOffer[],
  ): void {
    const { jobId } = connection;
    if (!this.isCurrent(jobId, offerId)) return;
    if (!this.context.jobTable.isConnected(jobId, connection.jobMasterId)) {
      log.debug(`Discard offer slot response since there is a new leader for the job ${jobId}.`);
      return;
    }
    const acceptedIds = new Set<AllocationID>();
    for (const { allocationId } of accepted) {
      acceptedIds.add(allocationId);
      let activated = false;
      try {
        activated = this.context.taskSlotTable.markSlotActive(allocationId);
      } catch (error) {
        if (!(error instanceof SlotNotFoundError)) throw error;
      }
      if (!activated) {
        const message = `Could not mark slot ${allocationId} active.`;
        log.debug(message);
        connection.gateway.failSlot(this.context.resourceId, allocationId, new FlinkError(message));
      }
    }
    for (const offer of offers) {
      if (acceptedIds.has(offer.allocationId)) continue;
      this.context.freeSlot(offer.allocationId, new FlinkError('The slot was rejected by the JobManager.'));
    }
  }
}
