// The TaskExecutor's registration at one JobMaster leader: connect fenced by the
// leader's JobMasterId, call registerTaskManager with retries, and report the
// outcome to the JobLeaderListener. Mirrors JobManagerRegisteredRpcConnection and
// JobManagerRetryingRegistration, the inner classes of Flink's DefaultJobLeaderService.
//
// Flink also checks here that the connection is still the job's current one.
// That check is redundant: the job's listener closes a connection before it
// replaces it, and RegisteredRpcConnection drops every outcome of a closed
// connection (tested by job-leader-service-reports-only-current-leaders).

import { getLogger } from '../../actor/logger.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { RegisteredRpcConnection } from '../registration/registered-rpc-connection.js';
import {
  RetryingRegistration,
  type RegistrationAttemptResponse,
  type RegistrationRpcService,
  type RetryingRegistrationOptions,
} from '../registration/retrying-registration.js';
import type { JobID, JobMasterId } from '../types/ids.js';
import type { JMTMRegistrationSuccess, RegistrationRejection } from '../types/registration-response.js';
import type { TaskManagerRegistrationInformation } from '../types/task-manager-info.js';
import type { JobLeaderListener } from './job-leader-service.js';

const log = getLogger('job-leader-service');

/** What a connection to a job's leader needs from the service that opened it. */
export interface JobManagerConnectionContext {
  readonly jobId: JobID;
  readonly rpcService: RegistrationRpcService;
  readonly config: RetryingRegistrationConfiguration;
  readonly executor: ScheduledExecutor;
  readonly registrationInformation: TaskManagerRegistrationInformation;
  readonly jobLeaderListener: JobLeaderListener;
}

export class JobManagerRegisteredRpcConnection extends RegisteredRpcConnection<
  JobMasterGateway,
  JMTMRegistrationSuccess,
  RegistrationRejection
> {
  constructor(
    targetAddress: string,
    jobMasterId: JobMasterId,
    private readonly context: JobManagerConnectionContext,
  ) {
    super(targetAddress, jobMasterId, context.executor);
  }

  protected override generateRegistration(): RetryingRegistration<
    JobMasterGateway,
    JMTMRegistrationSuccess,
    RegistrationRejection
  > {
    return new JobManagerRetryingRegistration(
      {
        rpcService: this.context.rpcService,
        targetName: 'JobManager',
        targetGateway: JobMasterGateway,
        targetAddress: this.getTargetAddress(),
        fencingToken: this.getTargetLeaderId(),
        executor: this.context.executor,
        config: this.context.config,
      },
      this.context.jobId,
      this.context.registrationInformation,
    );
  }

  protected override onRegistrationSuccess(success: JMTMRegistrationSuccess): void {
    const gateway = this.getTargetGateway();
    if (!gateway) return;
    log.info(
      `Successful registration at job manager ${this.getTargetAddress()} for job ${this.context.jobId}.`,
    );
    this.context.jobLeaderListener.jobManagerGainedLeadership(this.context.jobId, gateway, success);
  }

  protected override onRegistrationRejection(rejection: RegistrationRejection): void {
    log.info(
      `Rejected registration at job manager ${this.getTargetAddress()} for job ${this.context.jobId}.`,
    );
    this.context.jobLeaderListener.jobManagerRejectedRegistration(
      this.context.jobId,
      this.getTargetAddress(),
      rejection,
    );
  }

  protected override onRegistrationFailure(failure: Error): void {
    log.info(`Failed to register at job manager ${this.getTargetAddress()} for job ${this.context.jobId}.`);
    this.context.jobLeaderListener.handleError(failure);
  }
}

class JobManagerRetryingRegistration extends RetryingRegistration<
  JobMasterGateway,
  JMTMRegistrationSuccess,
  RegistrationRejection
> {
  constructor(
    options: RetryingRegistrationOptions<JobMasterGateway>,
    private readonly jobId: JobID,
    private readonly registrationInformation: TaskManagerRegistrationInformation,
  ) {
    super(options);
  }

  protected override invokeRegistration(
    gateway: JobMasterGateway,
    _fencingToken: string | undefined,
    timeoutMs: number,
  ): Promise<RegistrationAttemptResponse<JMTMRegistrationSuccess, RegistrationRejection>> {
    return gateway.registerTaskManager(this.jobId, this.registrationInformation, timeoutMs);
  }
}
