// The per-peer state a heartbeat manager keeps, mirroring Flink's
// HeartbeatMonitor and its Factory (tests substitute the factory to observe
// the monitors a manager creates).

import type { Clock, ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { HeartbeatListener } from './heartbeat-listener.js';
import type { HeartbeatTarget } from './heartbeat-target.js';

export interface HeartbeatMonitor<O> {
  readonly heartbeatTarget: HeartbeatTarget<O>;
  readonly heartbeatTargetId: string;
  /** Clock time of the last heartbeat, 0 before the first. */
  getLastHeartbeat(): number;
  /** A heartbeat arrived: remember when and restart the timeout. */
  reportHeartbeat(): void;
  /** A heartbeat RPC to the target found no recipient. */
  reportHeartbeatRpcFailure(): void;
  /** A heartbeat RPC to the target succeeded. */
  reportHeartbeatRpcSuccess(): void;
  /** Stops the monitor; it will notify nothing afterwards. */
  cancel(): void;
}

export type HeartbeatMonitorFactory<O> = (
  resourceId: string,
  target: HeartbeatTarget<O>,
  mainThreadExecutor: ScheduledExecutor,
  clock: Clock,
  listener: HeartbeatListener<unknown, O>,
  heartbeatTimeoutIntervalMs: number,
  failedRpcRequestsUntilUnreachable: number,
) => HeartbeatMonitor<O>;
