// The heartbeat manager's public face, mirroring Flink's HeartbeatManager: a set
// of monitored peers, each with its own timeout, and itself a HeartbeatTarget so
// that peers' heartbeats can be routed straight to it.

import type { HeartbeatTarget } from './heartbeat-target.js';

export interface HeartbeatManager<I, O> extends HeartbeatTarget<I> {
  /** Starts watching `resourceId`; a target that is already monitored is left as it is. */
  monitorTarget(resourceId: string, target: HeartbeatTarget<O>): void;
  /** Stops watching `resourceId`; its timeout will not fire. */
  unmonitorTarget(resourceId: string): void;
  /** Stops every monitor and timer. Nothing is reported after this returns. */
  stop(): void;
  /** Clock time of the last heartbeat from `resourceId`: 0 before the first, -1 if it is not monitored. */
  getLastHeartbeatFrom(resourceId: string): number;
}
