// The heartbeat target the ResourceManager monitors for each JobMaster. Mirrors
// ResourceManager.JobMasterHeartbeatSender: the ResourceManager only requests
// heartbeats; the JobMaster answers with heartbeatFromJobManager, which reaches
// the heartbeat manager's receiveHeartbeat.

import type { HeartbeatTarget } from '../heartbeat/heartbeat-target.js';
import type { JobMasterGateway } from '../gateways/job-master-gateway.js';
import { ResourceID } from '../types/ids.js';

export function jobMasterHeartbeatSender(gateway: JobMasterGateway): HeartbeatTarget<void> {
  return {
    // The ResourceManager always sends heartbeat requests to the JobMaster.
    receiveHeartbeat: () => Promise.resolve(),
    requestHeartbeat: (origin) => gateway.heartbeatFromResourceManager(ResourceID.of(origin)),
  };
}
