// The JobMaster's registration at the ResourceManager leader: connect fenced by
// the leader's ResourceManagerId, call registerJobMaster with retries, and tell
// the JobMaster how it ended. Mirrors Flink's ResourceManagerConnection, an inner
// class of JobMaster.

import { getLogger } from '../../actor/logger.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import { RegisteredRpcConnection } from '../registration/registered-rpc-connection.js';
import type { RegistrationConnectionListener } from '../registration/registration-connection-listener.js';
import {
  RetryingRegistration,
  type RegistrationAttemptResponse,
  type RegistrationRpcService,
  type RetryingRegistrationOptions,
} from '../registration/retrying-registration.js';
import { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';
import type { JobID, JobMasterId, ResourceID, ResourceManagerId } from '../types/ids.js';
import type { JobMasterRegistrationSuccess, RegistrationRejection } from '../types/registration-response.js';

const log = getLogger('jobmaster-to-resource-manager');

export interface JobMasterRegistration {
  readonly jobMasterId: JobMasterId;
  readonly jobManagerResourceId: ResourceID;
  readonly jobManagerAddress: string;
  readonly jobId: JobID;
}

export type ResourceManagerConnectionListener = RegistrationConnectionListener<
  JobMasterToResourceManagerConnection,
  JobMasterRegistrationSuccess,
  RegistrationRejection
>;

export class JobMasterToResourceManagerConnection extends RegisteredRpcConnection<
  ResourceManagerGateway,
  JobMasterRegistrationSuccess
> {
  constructor(
    private readonly rpcService: RegistrationRpcService,
    private readonly configuration: RetryingRegistrationConfiguration,
    resourceManagerAddress: string,
    readonly resourceManagerId: ResourceManagerId,
    private readonly registrationExecutor: ScheduledExecutor,
    private readonly listener: ResourceManagerConnectionListener,
    private readonly registration: JobMasterRegistration,
  ) {
    super(resourceManagerAddress, resourceManagerId, registrationExecutor);
  }

  protected override generateRegistration(): RetryingRegistration<
    ResourceManagerGateway,
    JobMasterRegistrationSuccess
  > {
    return new ResourceManagerRegistration(
      {
        rpcService: this.rpcService,
        targetName: 'ResourceManager',
        targetGateway: ResourceManagerGateway,
        targetAddress: this.getTargetAddress(),
        fencingToken: this.resourceManagerId,
        executor: this.registrationExecutor,
        config: this.configuration,
      },
      this.registration,
    );
  }

  protected override onRegistrationSuccess(success: JobMasterRegistrationSuccess): void {
    log.info(`JobManager successfully registered at ResourceManager, leader id: ${this.resourceManagerId}.`);
    this.listener.onRegistrationSuccess(this, success);
  }

  protected override onRegistrationRejection(rejection: RegistrationRejection): void {
    this.listener.onRegistrationRejection(this.getTargetAddress(), rejection);
  }

  protected override onRegistrationFailure(failure: Error): void {
    log.info(`Failed to register at ResourceManager ${this.getTargetAddress()}:`, failure.message);
    this.listener.onRegistrationFailure(failure);
  }
}

class ResourceManagerRegistration extends RetryingRegistration<
  ResourceManagerGateway,
  JobMasterRegistrationSuccess
> {
  constructor(
    options: RetryingRegistrationOptions<ResourceManagerGateway>,
    private readonly registration: JobMasterRegistration,
  ) {
    super(options);
  }

  protected override invokeRegistration(
    resourceManager: ResourceManagerGateway,
    _fencingToken: string | undefined,
    timeoutMs: number,
  ): Promise<RegistrationAttemptResponse<JobMasterRegistrationSuccess, RegistrationRejection>> {
    const { jobMasterId, jobManagerResourceId, jobManagerAddress, jobId } = this.registration;
    return resourceManager.registerJobMaster(
      jobMasterId,
      jobManagerResourceId,
      jobManagerAddress,
      jobId,
      timeoutMs,
    );
  }
}
