// GET /taskmanagers and /taskmanagers/:id. Mirrors Flink's TaskManagersInfo,
// TaskManagerInfo and TaskManagerDetailsInfo (whose `metrics` holds the heap).
// The heap and event-loop figures appear once the ResourceManager reports them.

import type { ResourceProfile } from '../../types/resource-profile.js';

/** Flink's TaskManagerMetricsInfo, with the event loop where Flink has its GC figures. */
export interface TaskManagerMetricsInfo {
  readonly heapUsed?: number;
  readonly heapMax?: number;
  /** Event-loop utilization, 0…1, of the TaskExecutor's thread. */
  readonly eventLoopUtilization?: number;
}

export interface TaskManagerInfoBody {
  readonly id: string;
  readonly path: string;
  /** Flink's field name; its value is the time of the last heartbeat, in ms since the epoch (0: none yet). */
  readonly timeSinceLastHeartbeat: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
  readonly totalResource: ResourceProfile;
  readonly metrics: TaskManagerMetricsInfo;
}

export interface TaskManagersInfo {
  readonly taskmanagers: readonly TaskManagerInfoBody[];
}
