// Follows the JobMaster leader of every job a TaskExecutor serves: one leader
// retrieval per job, and on each new leader a registration at it, fenced by the
// leader's session id (its JobMasterId). Mirrors Flink's DefaultJobLeaderService.
// JavaScript runs one callback at a time, so Flink's per-job lock (FLINK-16373)
// becomes plain state checks: every callback re-checks that its job is still
// followed and its connection and leader id are still current.
// Two departures, both deliberate: reconnect() while the first registration is
// still running is a no-op (Flink throws IllegalStateException there), and stop()
// stops every retrieval even if one of them throws.

import { nanoid } from 'nanoid/non-secure';
import { getLogger } from '../../actor/logger.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import type {
  LeaderRetrievalListener,
  LeaderRetrievalService,
} from '../highavailability/leader-retrieval.js';
import type { RegistrationRpcService } from '../registration/retrying-registration.js';
import { JobMasterId, type JobID, type ResourceID } from '../types/ids.js';
import type { TaskManagerRegistrationInformation } from '../types/task-manager-info.js';
import {
  IllegalJobLeaderServiceStateError,
  type JobLeaderListener,
  type JobLeaderService,
} from './job-leader-service.js';
import {
  JobManagerRegisteredRpcConnection,
  type JobManagerConnectionContext,
} from './job-manager-registered-rpc-connection.js';

const log = getLogger('job-leader-service');

/** Who this TaskExecutor is, as it introduces itself to a JobMaster. */
export interface JobLeaderServiceLocation {
  readonly resourceId: ResourceID;
  /** One per TaskExecutor process; a JobMaster replaces registrations of an older session. Default: random. */
  readonly taskManagerSession?: string;
}

type State = 'CREATED' | 'STARTED' | 'STOPPED';

/** What start() provides; there is none before. */
interface Started {
  readonly ownerAddress: string;
  readonly rpcService: RegistrationRpcService;
  readonly haServices: Pick<HighAvailabilityServices, 'getJobManagerLeaderRetriever'>;
  readonly jobLeaderListener: JobLeaderListener;
}

interface FollowedJob {
  readonly retrieval: LeaderRetrievalService;
  readonly listener: JobManagerLeaderListener;
}

export class DefaultJobLeaderService implements JobLeaderService {
  private readonly resourceId: ResourceID;
  private session: string | undefined;
  private state: State = 'CREATED';
  private started: Started | undefined;
  private readonly jobs = new Map<JobID, FollowedJob>();

  constructor(
    location: JobLeaderServiceLocation,
    private readonly retryingRegistrationConfiguration: RetryingRegistrationConfiguration,
    private readonly executor: ScheduledExecutor,
  ) {
    this.resourceId = location.resourceId;
    this.session = location.taskManagerSession;
  }

  /**
   * Unique per run of this TaskExecutor: a JobMaster compares it to tell a
   * restart from a repeated registration (Flink draws a UUID). Not secret, so
   * drawn without node:crypto, which a TaskExecutor would otherwise load for it.
   */
  private get taskManagerSession(): string {
    return (this.session ??= nanoid());
  }

  start(
    initialOwnerAddress: string,
    rpcService: RegistrationRpcService,
    haServices: Pick<HighAvailabilityServices, 'getJobManagerLeaderRetriever'>,
    jobLeaderListener: JobLeaderListener,
  ): void {
    if (this.state !== 'CREATED') {
      throw new IllegalJobLeaderServiceStateError(
        `The job leader service cannot be started: it is ${this.state}, and only a CREATED service can start.`,
      );
    }
    log.info('Start job leader service.');
    this.started = { ownerAddress: initialOwnerAddress, rpcService, haServices, jobLeaderListener };
    this.state = 'STARTED';
  }

  stop(): void {
    log.info('Stop job leader service.');
    if (this.state === 'STARTED') {
      for (const [jobId, job] of this.jobs) this.stopFollowing(jobId, job);
      this.jobs.clear();
    }
    this.state = 'STOPPED';
  }

  addJob(jobId: JobID, defaultTargetAddress: string, knownLeaderId?: JobMasterId): void {
    const started = this.checkStarted('addJob');
    log.info(`Add job ${jobId} for job leader monitoring.`);
    const retrieval = started.haServices.getJobManagerLeaderRetriever(jobId, defaultTargetAddress);
    const listener = new JobManagerLeaderListener(jobId, this.connectionContext(jobId, started));
    const previous = this.jobs.get(jobId);
    this.jobs.set(jobId, { retrieval, listener });
    if (previous) this.stopFollowing(jobId, previous);
    try {
      // The leader the slot request came from: registering now saves the retrieval's
      // round trip to wherever leaders are kept. The retrieval starts from that leader,
      // so it reports only a change: another leader, or none (the request was stale).
      if (knownLeaderId === undefined) {
        retrieval.start(listener);
      } else {
        listener.notifyLeaderAddress(defaultTargetAddress, knownLeaderId);
        retrieval.start(listener, { address: defaultTargetAddress, sessionId: knownLeaderId });
      }
    } catch (error) {
      // A job whose leader cannot be followed must not look followed.
      this.jobs.delete(jobId);
      listener.stop();
      throw error;
    }
  }

  removeJob(jobId: JobID): void {
    this.checkStarted('removeJob');
    const job = this.jobs.get(jobId);
    if (!job) return;
    log.info(`Remove job ${jobId} from job leader monitoring.`);
    this.jobs.delete(jobId);
    this.stopFollowing(jobId, job);
  }

  reconnect(jobId: JobID): void {
    const job = this.jobs.get(jobId);
    if (job) job.listener.reconnect();
    else log.info(`Cannot reconnect to job ${jobId} because it is not registered.`);
  }

  containsJob(jobId: JobID): boolean {
    this.checkStarted('containsJob');
    return this.jobs.has(jobId);
  }

  /** The listener goes first, so that nothing is reported even if the retrieval's stop() fails. */
  private stopFollowing(jobId: JobID, job: FollowedJob): void {
    job.listener.stop();
    try {
      job.retrieval.stop();
    } catch (error) {
      log.info(`Could not properly stop the LeaderRetrievalService for job ${jobId}.`, error);
    }
  }

  private connectionContext(jobId: JobID, started: Started): JobManagerConnectionContext {
    const registrationInformation: TaskManagerRegistrationInformation = {
      taskManagerRpcAddress: started.ownerAddress,
      resourceId: this.resourceId,
      taskManagerSession: this.taskManagerSession,
    };
    return {
      jobId,
      rpcService: started.rpcService,
      config: this.retryingRegistrationConfiguration,
      executor: this.executor,
      registrationInformation,
      jobLeaderListener: started.jobLeaderListener,
    };
  }

  private checkStarted(call: string): Started {
    if (this.state !== 'STARTED' || !this.started) {
      throw new IllegalJobLeaderServiceStateError(
        `The job leader service is currently not running (${this.state}); ${call} needs a STARTED service.`,
      );
    }
    return this.started;
  }
}

/** Follows one job's leader and keeps at most one connection, to the current leader. */
class JobManagerLeaderListener implements LeaderRetrievalListener {
  private connection: JobManagerRegisteredRpcConnection | undefined;
  private currentJobMasterId: JobMasterId | undefined;
  private stopped = false;

  constructor(
    private readonly jobId: JobID,
    private readonly context: JobManagerConnectionContext,
  ) {}

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.closeRpcConnection();
  }

  reconnect(): void {
    if (this.stopped) {
      log.debug('Cannot reconnect because the JobManagerLeaderListener has already been stopped.');
    } else if (!this.connection) {
      // FLINK-16836: after the leader was lost there is nothing to reconnect to.
      log.debug('Cannot reconnect to an unknown JobMaster.');
    } else if (!this.connection.isConnected()) {
      log.debug(`The registration at the JobMaster of job ${this.jobId} is still running.`);
    } else {
      this.connection.tryReconnect();
    }
  }

  notifyLeaderAddress(leaderAddress: string | null, leaderSessionId: string | null): void {
    if (this.stopped) {
      log.debug(
        `The leader retrieval listener reported a new leader for job ${this.jobId}, but it is no longer running.`,
      );
      return;
    }
    log.debug(
      `New leader information for job ${this.jobId}. Address: ${leaderAddress}, leader id: ${leaderSessionId}.`,
    );
    if (!leaderAddress || !leaderSessionId) {
      if (leaderAddress) {
        log.warn(
          `The leader of job ${this.jobId} at ${leaderAddress} has no session id; treating it as no leader.`,
        );
      }
      const lost = this.currentJobMasterId;
      this.closeRpcConnection();
      if (lost !== undefined) this.context.jobLeaderListener.jobManagerLostLeadership(this.jobId, lost);
      return;
    }
    const jobMasterId = JobMasterId.of(leaderSessionId);
    if (jobMasterId === this.currentJobMasterId) {
      log.debug(
        `Ongoing attempt to connect to leader of job ${this.jobId}. Ignoring duplicate leader information.`,
      );
      return;
    }
    this.closeRpcConnection();
    this.openRpcConnectionTo(leaderAddress, jobMasterId);
  }

  handleError(error: Error): void {
    if (this.stopped) {
      log.debug(
        `The leader retrieval listener reported an error for job ${this.jobId}, but it is no longer running.`,
      );
      return;
    }
    this.context.jobLeaderListener.handleError(error);
  }

  private openRpcConnectionTo(leaderAddress: string, jobMasterId: JobMasterId): void {
    this.currentJobMasterId = jobMasterId;
    this.connection = new JobManagerRegisteredRpcConnection(leaderAddress, jobMasterId, this.context);
    log.info(`Try to register at job manager ${leaderAddress} with leader id ${jobMasterId}.`);
    this.connection.start();
  }

  private closeRpcConnection(): void {
    this.connection?.close();
    this.connection = undefined;
    this.currentJobMasterId = undefined;
  }
}
