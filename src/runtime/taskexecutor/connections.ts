// The TaskExecutor's live connections, as plain records. Mirrors Flink's
// EstablishedResourceManagerConnection and JobManagerConnection: what was
// agreed at registration, so that every later callback can check it is
// still talking to the same peer before it acts.

import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import type { ResourceManagerGateway } from '../gateways/resource-manager-gateway.js';
import type { InstanceID, JobID, JobMasterId, ResourceID } from '../types/ids.js';

export interface EstablishedResourceManagerConnection {
  readonly gateway: ResourceManagerGateway;
  readonly resourceManagerResourceId: ResourceID;
  readonly instanceId: InstanceID;
}

export interface JobManagerConnection {
  readonly jobId: JobID;
  readonly jobMasterId: JobMasterId;
  readonly gateway: JobMasterGateway;
  readonly resourceId: ResourceID;
}
