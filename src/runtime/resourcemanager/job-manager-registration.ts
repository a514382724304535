// One registered JobMaster as the ResourceManager keeps it: the job it leads,
// its leader session (JobMasterId), the ResourceID it is monitored under by
// heartbeat, and the gateway the ResourceManager connected back to. Mirrors
// Flink's JobManagerRegistration.

import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import type { JobID, JobMasterId, ResourceID } from '../types/ids.js';

export interface JobManagerRegistration {
  readonly jobId: JobID;
  readonly jobManagerResourceId: ResourceID;
  readonly jobMasterId: JobMasterId;
  readonly address: string;
  /** Fenced by `jobMasterId`, so calls meant for this leader never reach a newer one. */
  readonly gateway: JobMasterGateway;
}
