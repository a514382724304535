// Answers to a registration attempt, mirroring Flink's RegistrationResponse with its
// Success, Failure and Rejection subclasses. A failure is retried by
// RetryingRegistration; a rejection is final. A discriminated union on `kind` keeps
// the wire form plain data.

import type { ClusterInformation } from './cluster-information.js';
import type { InstanceID, ResourceID, ResourceManagerId } from './ids.js';

export interface RegistrationSuccess {
  readonly kind: 'success';
}

/** Registration did not succeed this time; the caller retries after a delay. */
export interface RegistrationFailure {
  readonly kind: 'failure';
  readonly reason: string;
}

/** Registration was refused for good; the caller stops trying. */
export interface RegistrationRejection {
  readonly kind: 'rejection';
  readonly reason: string;
}

export type RegistrationResponse<S extends RegistrationSuccess = RegistrationSuccess> =
  S | RegistrationFailure | RegistrationRejection;

/** Mirrors TaskExecutorRegistrationSuccess. */
export interface TaskExecutorRegistrationSuccess extends RegistrationSuccess {
  readonly registrationId: InstanceID;
  readonly resourceManagerResourceId: ResourceID;
  readonly clusterInformation: ClusterInformation;
}

export type TaskExecutorRegistrationResponse = RegistrationResponse<TaskExecutorRegistrationSuccess>;

/** Mirrors JMTMRegistrationSuccess: a JobMaster accepted a TaskExecutor. */
export interface JMTMRegistrationSuccess extends RegistrationSuccess {
  /** The JobMaster's own ResourceID, which the TaskExecutor monitors by heartbeat. */
  readonly resourceId: ResourceID;
}

export type JMTMRegistrationResponse = RegistrationResponse<JMTMRegistrationSuccess>;

/** Mirrors JobMasterRegistrationSuccess: a ResourceManager accepted a JobMaster. */
export interface JobMasterRegistrationSuccess extends RegistrationSuccess {
  readonly resourceManagerId: ResourceManagerId;
  readonly resourceManagerResourceId: ResourceID;
}

export type JobMasterRegistrationResponse = RegistrationResponse<JobMasterRegistrationSuccess>;

export const RegistrationResponse = {
  failure(reason: string): RegistrationFailure {
    return { kind: 'failure', reason };
  },
  rejection(reason: string): RegistrationRejection {
    return { kind: 'rejection', reason };
  },
  taskExecutorSuccess(
    registrationId: InstanceID,
    resourceManagerResourceId: ResourceID,
    clusterInformation: ClusterInformation,
  ): TaskExecutorRegistrationSuccess {
    return { kind: 'success', registrationId, resourceManagerResourceId, clusterInformation };
  },
  jmtmSuccess(resourceId: ResourceID): JMTMRegistrationSuccess {
    return { kind: 'success', resourceId };
  },
  jobMasterSuccess(
    resourceManagerId: ResourceManagerId,
    resourceManagerResourceId: ResourceID,
  ): JobMasterRegistrationSuccess {
    return { kind: 'success', resourceManagerId, resourceManagerResourceId };
  },
};
