// The requesting heartbeat manager, mirroring Flink's HeartbeatManagerSenderImpl:
// at 0 ms and then every interval it asks each monitored peer for a heartbeat,
// sending the listener's payload for that peer. Unlike Flink, stop() also cancels
// the next scheduled round, so no timer outlives the manager.

import type { Clock, ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import type { HeartbeatListener } from './heartbeat-listener.js';
import type { HeartbeatLog } from './heartbeat-log.js';
import { HeartbeatManagerImpl } from './heartbeat-manager-impl.js';
import type { HeartbeatMonitor, HeartbeatMonitorFactory } from './heartbeat-monitor.js';

export class HeartbeatManagerSenderImpl<I, O> extends HeartbeatManagerImpl<I, O> {
  private nextRound: ScheduledTask | undefined;

  constructor(
    private readonly heartbeatPeriodMs: number,
    heartbeatTimeoutIntervalMs: number,
    failedRpcRequestsUntilUnreachable: number,
    ownResourceId: string,
    heartbeatListener: HeartbeatListener<I, O>,
    mainThreadExecutor: ScheduledExecutor,
    clock: Clock,
    log?: HeartbeatLog,
    heartbeatMonitorFactory?: HeartbeatMonitorFactory<O>,
  ) {
    super(
      heartbeatTimeoutIntervalMs,
      failedRpcRequestsUntilUnreachable,
      ownResourceId,
      heartbeatListener,
      mainThreadExecutor,
      clock,
      log,
      heartbeatMonitorFactory,
    );
    if (!(heartbeatPeriodMs > 0)) throw new RangeError('The heartbeat interval must be larger than 0.');
    this.nextRound = mainThreadExecutor.schedule(() => this.run(), 0);
  }

  override stop(): void {
    this.nextRound?.cancel();
    this.nextRound = undefined;
    super.stop();
  }

  private run(): void {
    if (this.stopped) return;
    // Schedule the next round first: a listener that throws for one target must
    // not end heartbeating for every target.
    this.nextRound = this.mainThreadExecutor.schedule(() => this.run(), this.heartbeatPeriodMs);
    this.log.debug('Trigger heartbeat request.');
    // A copy, because the listener may monitor or unmonitor targets while we call out.
    for (const monitor of [...this.getHeartbeatTargets().values()]) {
      if (!this.isCurrent(monitor)) continue;
      try {
        this.requestHeartbeatFrom(monitor);
      } catch (error) {
        this.log.warn(`Could not request the heartbeat from target ${monitor.heartbeatTargetId}.`, error);
      }
    }
  }

  private requestHeartbeatFrom(monitor: HeartbeatMonitor<O>): void {
    const payload = this.heartbeatListener.retrievePayload(monitor.heartbeatTargetId);
    this.trackHeartbeatRpc(monitor, () =>
      monitor.heartbeatTarget.requestHeartbeat(this.ownResourceId, payload),
    );
  }
}
