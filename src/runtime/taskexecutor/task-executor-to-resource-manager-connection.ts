// The TaskExecutor's registration at the ResourceManager leader: connect fenced
// by the leader's ResourceManagerId, call registerTaskExecutor with retries, and
// tell the listener how it ended. Mirrors Flink's
// TaskExecutorToResourceManagerConnection.

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
import type { ResourceManagerId } from '../types/ids.js';
import type {
  RegistrationRejection,
  TaskExecutorRegistrationSuccess,
} from '../types/registration-response.js';
import type { TaskExecutorRegistration } from '../types/task-executor-registration.js';

const log = getLogger('task-executor-to-resource-manager');

export type TaskExecutorToResourceManagerListener = RegistrationConnectionListener<
  TaskExecutorToResourceManagerConnection,
  TaskExecutorRegistrationSuccess,
  RegistrationRejection
>;

export class TaskExecutorToResourceManagerConnection extends RegisteredRpcConnection<
  ResourceManagerGateway,
  TaskExecutorRegistrationSuccess,
  RegistrationRejection
> {
  constructor(
    private readonly rpcService: RegistrationRpcService,
    private readonly retryingRegistrationConfiguration: RetryingRegistrationConfiguration,
    resourceManagerAddress: string,
    resourceManagerId: ResourceManagerId,
    private readonly registrationExecutor: ScheduledExecutor,
    private readonly registrationListener: TaskExecutorToResourceManagerListener,
    private readonly taskExecutorRegistration: TaskExecutorRegistration,
  ) {
    super(resourceManagerAddress, resourceManagerId, registrationExecutor);
  }

  protected override generateRegistration(): RetryingRegistration<
    ResourceManagerGateway,
    TaskExecutorRegistrationSuccess,
    RegistrationRejection
  > {
    return new ResourceManagerRegistration(
      {
        rpcService: this.rpcService,
        targetName: 'ResourceManager',
        targetGateway: ResourceManagerGateway,
        targetAddress: this.getTargetAddress(),
        fencingToken: this.getTargetLeaderId(),
        executor: this.registrationExecutor,
        config: this.retryingRegistrationConfiguration,
      },
      this.taskExecutorRegistration,
    );
  }

  protected override onRegistrationSuccess(success: TaskExecutorRegistrationSuccess): void {
    log.info(
      `Successful registration at resource manager ${this.getTargetAddress()} under registration id ` +
        `${success.registrationId}.`,
    );
    this.registrationListener.onRegistrationSuccess(this, success);
  }

  protected override onRegistrationRejection(rejection: RegistrationRejection): void {
    this.registrationListener.onRegistrationRejection(this.getTargetAddress(), rejection);
  }

  protected override onRegistrationFailure(failure: Error): void {
    log.info(`Failed to register at resource manager ${this.getTargetAddress()}:`, failure);
    this.registrationListener.onRegistrationFailure(failure);
  }
}

class ResourceManagerRegistration extends RetryingRegistration<
  ResourceManagerGateway,
  TaskExecutorRegistrationSuccess,
  RegistrationRejection
> {
  constructor(
    options: RetryingRegistrationOptions<ResourceManagerGateway>,
    private readonly taskExecutorRegistration: TaskExecutorRegistration,
  ) {
    super(options);
  }

  protected override invokeRegistration(
    resourceManager: ResourceManagerGateway,
    _fencingToken: string | undefined,
    timeoutMs: number,
  ): Promise<RegistrationAttemptResponse<TaskExecutorRegistrationSuccess, RegistrationRejection>> {
    return resourceManager.registerTaskExecutor(this.taskExecutorRegistration, timeoutMs);
  }
}
