// How a TaskExecutor follows the JobMaster leader of each job it has slots for,
// and registers at it. Mirrors Flink's JobLeaderService and JobLeaderListener;
// DefaultJobLeaderService is the implementation.

import { registerErrorClasses } from '../../actor/error-codec.js';
import type { HighAvailabilityServices } from '../highavailability/high-availability-services.js';
import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { FlinkError } from '../flink-error.js';
import type { RegistrationRpcService } from '../registration/retrying-registration.js';
import type { JobID, JobMasterId } from '../types/ids.js';
import type { JMTMRegistrationSuccess, RegistrationRejection } from '../types/registration-response.js';

/** What the JobLeaderService tells its owner, the TaskExecutor. Calls come on the service's executor. */
export interface JobLeaderListener {
  /** Registered at the job's new leader; `jobMasterGateway` is fenced by its JobMasterId. */
  jobManagerGainedLeadership(
    jobId: JobID,
    jobMasterGateway: JobMasterGateway,
    registrationMessage: JMTMRegistrationSuccess,
  ): void;
  /** The job has no leader any more; `jobMasterId` is the leader that was lost. */
  jobManagerLostLeadership(jobId: JobID, jobMasterId: JobMasterId): void;
  /** Leader retrieval or registration failed in a way that will not recover by itself. */
  handleError(error: Error): void;
  /** The job's leader refused this TaskExecutor for good. */
  jobManagerRejectedRegistration(jobId: JobID, targetAddress: string, rejection: RegistrationRejection): void;
}

export interface JobLeaderService {
  /** CREATED → STARTED. `initialOwnerAddress` is the TaskExecutor's address, sent when registering. */
  start(
    initialOwnerAddress: string,
    rpcService: RegistrationRpcService,
    haServices: Pick<HighAvailabilityServices, 'getJobManagerLeaderRetriever'>,
    jobLeaderListener: JobLeaderListener,
  ): void;
  /** Stops following every job; → STOPPED. */
  stop(): void;
  /**
   * Follows the leader of `jobId` and registers at each new one. Replaces an
   * earlier addJob of the job. With `knownLeaderId`, the leader at
   * `defaultTargetAddress` is registered at before the retrieval first answers.
   */
  addJob(jobId: JobID, defaultTargetAddress: string, knownLeaderId?: JobMasterId): void;
  /** Stops following `jobId`; its connection closes and nothing more is reported for it. */
  removeJob(jobId: JobID): void;
  /** Registers again at the job's current leader, after the connection to it was lost. */
  reconnect(jobId: JobID): void;
  containsJob(jobId: JobID): boolean;
}

/** A JobLeaderService call in a state that does not allow it (Flink's IllegalStateException). */
export class IllegalJobLeaderServiceStateError extends FlinkError {
  static override readonly code = 'ERR_JOB_LEADER_SERVICE_STATE';
}
registerErrorClasses(IllegalJobLeaderServiceStateError);
