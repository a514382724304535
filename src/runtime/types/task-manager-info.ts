// What the ResourceManager reports about the cluster. Mirrors Flink's
// ResourceOverview and TaskManagerInfo (the REST view of a TaskExecutor).

import type { ResourceID } from './ids.js';
import type { ResourceProfile } from './resource-profile.js';

export interface ResourceOverview {
  readonly numberTaskManagers: number;
  readonly numberRegisteredSlots: number;
  readonly numberFreeSlots: number;
}

export interface TaskManagerInfo {
  readonly resourceId: ResourceID;
  readonly address: string;
  readonly numberSlots: number;
  readonly numberAvailableSlots: number;
  /** When the TaskExecutor last answered a heartbeat, in ms since the epoch (an injected clock's own time); 0 before the first. */
  readonly lastHeartbeat: number;
  readonly totalResourceProfile: ResourceProfile;
}

/** Mirrors TaskManagerRegistrationInformation: who registers at a JobMaster. */
export interface TaskManagerRegistrationInformation {
  readonly taskManagerRpcAddress: string;
  readonly resourceId: ResourceID;
  /** A new session per TaskExecutor process; a JobMaster replaces a registration from an older one. */
  readonly taskManagerSession: string;
}
