// The receiving heartbeat manager, mirroring Flink's HeartbeatManagerImpl: it
// answers heartbeat requests from monitored peers and times out peers that fall
// silent. Flink hops to the main-thread executor to handle an RPC's outcome; on
// one JS thread the promise callback is already serial, so it handles the outcome
// directly, after checking that the monitor it belongs to is still the current one.

import { RecipientUnreachableError } from '../../rpc/errors.js';
import type { Clock, ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import { defaultHeartbeatMonitorFactory } from './default-heartbeat-monitor.js';
import type { HeartbeatListener } from './heartbeat-listener.js';
import { kSilentHeartbeatLog, type HeartbeatLog } from './heartbeat-log.js';
import type { HeartbeatManager } from './heartbeat-manager.js';
import type { HeartbeatMonitor, HeartbeatMonitorFactory } from './heartbeat-monitor.js';
import type { HeartbeatTarget } from './heartbeat-target.js';

export class HeartbeatManagerImpl<I, O> implements HeartbeatManager<I, O> {
  protected stopped = false;
  private readonly heartbeatTargets = new Map<string, HeartbeatMonitor<O>>();

  constructor(
    private readonly heartbeatTimeoutIntervalMs: number,
    private readonly failedRpcRequestsUntilUnreachable: number,
    protected readonly ownResourceId: string,
    protected readonly heartbeatListener: HeartbeatListener<I, O>,
    protected readonly mainThreadExecutor: ScheduledExecutor,
    private readonly clock: Clock,
    protected readonly log: HeartbeatLog = kSilentHeartbeatLog,
    private readonly heartbeatMonitorFactory: HeartbeatMonitorFactory<O> = defaultHeartbeatMonitorFactory<O>(),
  ) {
    if (!(heartbeatTimeoutIntervalMs > 0))
      throw new RangeError('The heartbeat timeout has to be larger than 0.');
  }

  monitorTarget(resourceId: string, target: HeartbeatTarget<O>): void {
    if (this.stopped) return;
    if (this.heartbeatTargets.has(resourceId)) {
      this.log.debug(`The target with resource ID ${resourceId} is already been monitored.`);
      return;
    }
    this.heartbeatTargets.set(
      resourceId,
      this.heartbeatMonitorFactory(
        resourceId,
        target,
        this.mainThreadExecutor,
        this.clock,
        this.heartbeatListener,
        this.heartbeatTimeoutIntervalMs,
        this.failedRpcRequestsUntilUnreachable,
      ),
    );
  }

  unmonitorTarget(resourceId: string): void {
    if (this.stopped) return;
    const monitor = this.heartbeatTargets.get(resourceId);
    if (monitor) {
      this.heartbeatTargets.delete(resourceId);
      monitor.cancel();
    }
  }

  stop(): void {
    this.stopped = true;
    for (const monitor of this.heartbeatTargets.values()) monitor.cancel();
    this.heartbeatTargets.clear();
  }

  getLastHeartbeatFrom(resourceId: string): number {
    return this.heartbeatTargets.get(resourceId)?.getLastHeartbeat() ?? -1;
  }

  async receiveHeartbeat(origin: string, payload: I): Promise<void> {
    if (this.stopped) return;
    this.log.debug(`Received heartbeat from ${origin}.`);
    // Flink reports the payload even from an origin it does not monitor; we drop it,
    // since it comes from a peer the owner has already disconnected.
    if (!this.reportHeartbeat(origin)) return;
    if (payload != null) this.heartbeatListener.reportPayload(origin, payload);
  }

  async requestHeartbeat(origin: string, payload: I): Promise<void> {
    if (this.stopped) return;
    this.log.debug(`Received heartbeat request from ${origin}.`);
    const monitor = this.reportHeartbeat(origin);
    if (!monitor) return;
    if (payload != null) this.heartbeatListener.reportPayload(origin, payload);
    // The listener may have unmonitored the origin while handling its payload.
    if (!this.isCurrent(monitor)) return;
    const reply = this.heartbeatListener.retrievePayload(origin);
    this.trackHeartbeatRpc(monitor, () =>
      monitor.heartbeatTarget.receiveHeartbeat(this.ownResourceId, reply),
    );
  }

  /** Monitors, for subclasses: the live map, so callers must copy it before calling out. */
  protected getHeartbeatTargets(): ReadonlyMap<string, HeartbeatMonitor<O>> {
    return this.heartbeatTargets;
  }

  /** Whether `monitor` still watches its target, i.e. it was neither replaced, unmonitored nor stopped. */
  protected isCurrent(monitor: HeartbeatMonitor<O>): boolean {
    return !this.stopped && this.heartbeatTargets.get(monitor.heartbeatTargetId) === monitor;
  }

  /**
   * Sends one heartbeat RPC and feeds its outcome to the monitor (FLINK-23209): success
   * resets the failure count, RecipientUnreachable counts towards the threshold, and
   * any other failure, a timeout included, is left to the heartbeat timeout.
   */
  protected trackHeartbeatRpc(monitor: HeartbeatMonitor<O>, rpc: () => Promise<void>): void {
    let outcome: Promise<void>;
    try {
      outcome = rpc();
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      () => {
        if (this.isCurrent(monitor)) monitor.reportHeartbeatRpcSuccess();
      },
      (error: unknown) => {
        if (!this.isCurrent(monitor)) return;
        if (error instanceof RecipientUnreachableError) {
          monitor.reportHeartbeatRpcFailure();
        } else {
          this.log.warn(`Heartbeat RPC to target ${monitor.heartbeatTargetId} failed.`, error);
        }
      },
    );
  }

  private reportHeartbeat(resourceId: string): HeartbeatMonitor<O> | undefined {
    const monitor = this.heartbeatTargets.get(resourceId);
    monitor?.reportHeartbeat();
    return monitor;
  }
}
