// The job graph store over a StateHandleStore and a watcher, mirroring Flink's
// DefaultJobGraphStore: it remembers which jobs it added or recovered (and so holds a
// lock on), updates only those, and tells its listener only of changes made elsewhere.

import { getLogger } from '../../actor/logger.js';
import {
  JobGraphStoreError,
  StateHandleAlreadyExistsError,
  StateHandleNotExistError,
} from './job-persistence-errors.js';
import type {
  JobGraphListener,
  JobGraphRecord,
  JobGraphStore,
  JobGraphStoreWatcher,
} from './job-graph-store.js';
import type { StateHandleStore } from './state-handle-store.js';

const log = getLogger('job-graph-store');

export class DefaultJobGraphStore implements JobGraphStore, JobGraphListener {
  private readonly addedJobGraphs = new Set<string>();
  private listener: JobGraphListener | null = null;
  private running = false;

  constructor(
    private readonly stateHandleStore: StateHandleStore<JobGraphRecord>,
    private readonly watcher: JobGraphStoreWatcher,
  ) {}

  async start(listener: JobGraphListener): Promise<void> {
    if (this.running) return;
    this.listener = listener;
    this.running = true;
    await this.watcher.start(this);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    log.info('Stopping DefaultJobGraphStore.');
    const results = await Promise.allSettled([this.stateHandleStore.releaseAll(), this.watcher.stop()]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed)
      throw new JobGraphStoreError('Could not properly stop the DefaultJobGraphStore.', {
        cause: failed.reason,
      });
  }

  async recoverJobGraph(jobId: string): Promise<JobGraphRecord | null> {
    this.verifyIsRunning();
    let handle;
    try {
      handle = await this.stateHandleStore.getAndLock(jobId);
    } catch (error) {
      if (error instanceof StateHandleNotExistError) return null;
      throw error;
    }
    try {
      const jobGraph = await this.stateHandleStore.retrieveState(handle);
      this.addedJobGraphs.add(jobGraph.jobId);
      log.info(`Recovered job graph ${jobId} (${jobGraph.name}).`);
      return jobGraph;
    } catch (error) {
      // A broken file must not stay locked by us, or nobody could ever remove it.
      await this.stateHandleStore.release(jobId).catch(() => undefined);
      throw error;
    }
  }

  async putJobGraph(jobGraph: JobGraphRecord): Promise<void> {
    const { jobId } = jobGraph;
    for (;;) {
      this.verifyIsRunning();
      const currentVersion = await this.stateHandleStore.exists(jobId);
      if (currentVersion === -1) {
        // Recorded before the add, so that the watcher's echo is not taken for someone else's.
        const known = this.addedJobGraphs.has(jobId);
        this.addedJobGraphs.add(jobId);
        try {
          await this.stateHandleStore.addAndLock(jobId, jobGraph);
          break;
        } catch (error) {
          if (!known) this.addedJobGraphs.delete(jobId);
          if (!(error instanceof StateHandleAlreadyExistsError)) throw error;
          log.warn(`Job graph ${jobId} already exists; trying again.`);
        }
      } else if (this.addedJobGraphs.has(jobId)) {
        try {
          await this.stateHandleStore.replace(jobId, currentVersion, jobGraph);
          break;
        } catch (error) {
          if (!(error instanceof StateHandleNotExistError)) throw error;
          log.warn(`Job graph ${jobId} does not exist any more; trying again.`);
        }
      } else {
        throw new JobGraphStoreError(
          `Trying to update the job graph of job ${jobId}, which this store did not recover or put before.`,
        );
      }
    }
    log.info(`Added job graph ${jobId} (${jobGraph.name}).`);
  }

  async globalCleanup(jobId: string): Promise<void> {
    this.verifyIsRunning();
    if (!this.addedJobGraphs.has(jobId)) return;
    // Forgotten before the removal, so that the watcher's echo of it is not taken for
    // someone else's (Flink holds a lock across both for the same reason).
    this.addedJobGraphs.delete(jobId);
    let removed = false;
    try {
      removed = await this.stateHandleStore.releaseAndTryRemove(jobId);
    } finally {
      if (!removed) this.addedJobGraphs.add(jobId);
    }
    if (!removed) {
      throw new JobGraphStoreError(
        `Could not remove the job graph of job ${jobId}: another store holds a lock on it.`,
      );
    }
    log.info(`Removed job graph ${jobId}.`);
  }

  async localCleanup(jobId: string): Promise<void> {
    this.verifyIsRunning();
    await this.stateHandleStore.release(jobId);
    this.addedJobGraphs.delete(jobId);
  }

  async getJobIds(): Promise<string[]> {
    return this.stateHandleStore.getAllHandles();
  }

  onAddedJobGraph(jobId: string): void {
    // Added by someone else, or so fast we have not recorded it yet (a false positive Flink accepts too).
    if (this.running && !this.addedJobGraphs.has(jobId))
      this.notify((listener) => listener.onAddedJobGraph(jobId));
  }

  onRemovedJobGraph(jobId: string): void {
    // Someone else removed one of ours.
    if (this.running && this.addedJobGraphs.has(jobId))
      this.notify((listener) => listener.onRemovedJobGraph(jobId));
  }

  private notify(call: (listener: JobGraphListener) => void): void {
    try {
      if (this.listener) call(this.listener);
    } catch (error) {
      log.error('The job graph listener failed.', error);
    }
  }

  private verifyIsRunning(): void {
    if (!this.running)
      throw new JobGraphStoreError('The job graph store is not running. Forgot to call start()?');
  }
}
