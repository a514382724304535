// Runs a job's JobMaster for each leader session this process wins on the job's
// election. Mirrors Flink's JobMasterServiceLeadershipRunner: a grant creates a
// new JobMaster fenced by that session and confirms it once started; a revoke
// stops it (the job is SUSPENDED, and the next leader runs it again); the first
// JobMaster that brings the job to a final state settles the runner's result.
// Leadership events are handled one after the other on a promise chain.

import { getLogger } from '../../actor/logger.js';
import type { LeaderContender, LeaderElectionService } from '../highavailability/leader-election.js';
import { JobMasterId } from '../types/ids.js';
import { JobMasterError } from './job-master-errors.js';
import type { JobMaster } from './job-master.js';
import type { JobResult } from '../types/job-result.js';

const log = getLogger('jobmaster-runner');

interface Leader {
  readonly jobMaster: JobMaster;
  readonly sessionId: string;
}

export class JobMasterServiceLeadershipRunner implements LeaderContender {
  private running = false;
  private leader: Leader | undefined;
  private leaderEvents: Promise<void> = Promise.resolve();
  private cancelRequested = false;
  private closing: Promise<void> | undefined;
  private readonly resultFuture: Promise<JobResult>;
  private settleResult!: (result: JobResult | Error) => void;
  private settled = false;

  constructor(
    private readonly leaderElectionService: LeaderElectionService,
    private readonly createJobMaster: (jobMasterId: JobMasterId) => JobMaster,
    private readonly description: string,
  ) {
    this.resultFuture = new Promise<JobResult>((resolve, reject) => {
      this.settleResult = (result) => {
        this.settled = true;
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
    });
    this.resultFuture.catch(() => {});
  }

  /** Settles with the job's final result; rejects if the runner is closed before the job ends. */
  getResultFuture(): Promise<JobResult> {
    return this.resultFuture;
  }

  /** The JobMaster of the current session, once it has been created. */
  getJobMaster(): JobMaster | undefined {
    return this.leader?.jobMaster;
  }

  start(): void {
    if (this.running || this.closing)
      throw new JobMasterError(`The runner of ${this.description} was already started.`);
    this.running = true;
    this.leaderElectionService.start(this);
  }

  /** Cancels the job, now or as soon as a JobMaster leads it. */
  async cancel(): Promise<void> {
    this.cancelRequested = true;
    await this.leader?.jobMaster.cancel();
  }

  grantLeadership(leaderSessionId: string): void {
    void this.handleLeaderEvent(async () => {
      await this.stopLeader();
      if (!this.running) return;
      try {
        this.startLeader(leaderSessionId);
      } catch (error) {
        this.failRunner(
          new JobMasterError(`Could not start the JobMaster of ${this.description}.`, { cause: error }),
        );
      }
    });
  }

  revokeLeadership(): void {
    void this.handleLeaderEvent(() => this.stopLeader());
  }

  handleError(error: Error): void {
    log.error(`Leader election of ${this.description} failed.`, error);
    if (!this.settled)
      this.settleResult(
        new JobMasterError(`Leader election of ${this.description} failed.`, { cause: error }),
      );
    void this.closeAsync();
  }

  /** Leaves the election and stops the JobMaster; the result rejects if the job had not ended. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      this.running = false;
      try {
        this.leaderElectionService.stop();
      } catch (error) {
        log.debug('Could not leave the leader election.', error);
      }
      await this.handleLeaderEvent(() => this.stopLeader());
      if (!this.settled) {
        this.settleResult(
          new JobMasterError(`${this.description} was stopped before it reached a final state.`),
        );
      }
    })();
    return this.closing;
  }

  private startLeader(sessionId: string): void {
    const jobMaster = this.createJobMaster(JobMasterId.of(sessionId));
    const leader: Leader = { jobMaster, sessionId };
    this.leader = leader;
    jobMaster.getJobResultFuture().then(
      (result) => {
        if (!this.settled) this.settleResult(result);
        // The job is over: leave the election, so TaskExecutors see no leader for it any more.
        void this.closeAsync();
      },
      (error: unknown) => {
        // Stopped by this runner (revoke, close): the next leader runs the job. Else it failed on its own.
        if (this.leader !== leader) {
          log.debug(`The JobMaster of session ${sessionId} stopped: ${String(error)}`);
          return;
        }
        this.failRunner(error instanceof Error ? error : new JobMasterError(String(error)));
      },
    );
    jobMaster.start();
    if (this.leaderElectionService.hasLeadership(sessionId)) {
      this.leaderElectionService.confirmLeadership(sessionId, jobMaster.getAddress());
    }
    if (this.cancelRequested) void jobMaster.cancel().catch(() => {});
  }

  /** The job cannot run here any more: settle the result with `error` and leave the election. */
  private failRunner(error: Error): void {
    log.error(`The JobMaster of ${this.description} failed.`, error);
    if (!this.settled) this.settleResult(error);
    void this.closeAsync();
  }

  private async stopLeader(): Promise<void> {
    const leader = this.leader;
    if (!leader) return;
    this.leader = undefined;
    try {
      await leader.jobMaster.closeAsync();
    } catch (error) {
      log.warn(`The JobMaster of session ${leader.sessionId} did not stop cleanly.`, error);
    }
  }

  private handleLeaderEvent(event: () => Promise<void>): Promise<void> {
    const next = this.leaderEvents.then(event).catch((error: unknown) => {
      log.error(`A leadership event of ${this.description} failed.`, error);
    });
    this.leaderEvents = next;
    return next;
  }
}
