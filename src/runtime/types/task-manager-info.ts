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
  /** Milliseconds since that heartbeat, on the ResourceManager's monotonic clock; -1 before the first. */
  readonly timeSinceLastHeartbeatMs: number;
  readonly totalResourceProfile: ResourceProfile;
  /**
   * The TaskExecutor thread's figures, as of its last heartbeat (they ride in the
   * heartbeat payload, as Flink's slot report does); -1 before the first
   * heartbeat or when the TaskExecutor's metrics are off.
   */
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Share of time the event loop was busy, 0 to 1, over about the second before the heartbeat. */
  readonly eventLoopUtilization: number;
  readonly eventLoopDelayP99Ms: number;
}

/** Mirrors TaskManagerRegistrationInformation: who registers at a JobMaster. */
export interface TaskManagerRegistrationInformation {
  readonly taskManagerRpcAddress: string;
  readonly resourceId: ResourceID;
  /** A new session per TaskExecutor process; a JobMaster replaces a registration from an older one. */
  readonly taskManagerSession: string;
}
