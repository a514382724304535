// Creates heartbeat managers with one set of settings, mirroring Flink's
// HeartbeatServices / HeartbeatServicesImpl. Settings arrive as plain numbers;
// the configuration module maps heartbeat.interval, heartbeat.timeout and
// heartbeat.rpc-failure-threshold onto them.

import { kSystemClock, type Clock, type ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { Configuration } from '../configuration/configuration.js';
import { HeartbeatManagerOptions } from '../configuration/heartbeat-manager-options.js';
import { HeartbeatServicesConfiguration } from '../configuration/heartbeat-services-configuration.js';
import {
  kDefaultFailedRpcRequestsUntilUnreachable,
  kDefaultHeartbeatInterval,
  kDefaultHeartbeatTimeout,
} from './heartbeat-constants.js';
import type { HeartbeatListener } from './heartbeat-listener.js';
import type { HeartbeatLog } from './heartbeat-log.js';
import type { HeartbeatManager } from './heartbeat-manager.js';
import { HeartbeatManagerImpl } from './heartbeat-manager-impl.js';
import { HeartbeatManagerSenderImpl } from './heartbeat-manager-sender-impl.js';

export class HeartbeatServices {
  /**
   * @param interval milliseconds between heartbeat requests (> 0)
   * @param timeout milliseconds of silence after which a peer is timed out (>= interval)
   * @param failedRpcRequestsUntilUnreachable consecutive unreachable RPCs that mark a peer unreachable (> 0, or -1 to disable)
   * @param clock source of `getLastHeartbeatFrom` times
   */
  constructor(
    readonly interval: number = kDefaultHeartbeatInterval,
    readonly timeout: number = kDefaultHeartbeatTimeout,
    readonly failedRpcRequestsUntilUnreachable: number = kDefaultFailedRpcRequestsUntilUnreachable,
    /** Also what the ResourceManager measures the time since a heartbeat with. */
    readonly clock: Clock = kSystemClock,
  ) {
    // One set of rules and messages for the constructor and the configuration keys.
    HeartbeatServicesConfiguration.of({
      heartbeatIntervalMs: interval,
      heartbeatTimeoutMs: timeout,
      failedRpcRequestsUntilUnreachable,
    });
  }

  /**
   * A time of this clock (getLastHeartbeatFrom) in ms since the epoch, for
   * readers in other threads and processes: the system clock is
   * performance.now(), which counts from this thread's start. An injected
   * clock's time stands for itself.
   */
  epochMillisOf(clockTime: number): number {
    return this.clock === kSystemClock ? Math.round(performance.timeOrigin + clockTime) : clockTime;
  }

  /** Services with `heartbeat.interval`, `heartbeat.timeout` and `heartbeat.rpc-failure-threshold` from `conf`. */
  static fromConfiguration(conf: Configuration, clock: Clock = kSystemClock): HeartbeatServices {
    return new HeartbeatServices(
      conf.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL),
      conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT),
      conf.get(HeartbeatManagerOptions.HEARTBEAT_RPC_FAILURE_THRESHOLD),
      clock,
    );
  }

  /** A manager that only answers heartbeat requests (a TaskExecutor's side). */
  createHeartbeatManager<I, O>(
    ownResourceId: string,
    listener: HeartbeatListener<I, O>,
    mainThreadExecutor: ScheduledExecutor,
    log?: HeartbeatLog,
  ): HeartbeatManager<I, O> {
    return new HeartbeatManagerImpl(
      this.timeout,
      this.failedRpcRequestsUntilUnreachable,
      ownResourceId,
      listener,
      mainThreadExecutor,
      this.clock,
      log,
    );
  }

  /** A manager that requests heartbeats every interval (a ResourceManager's or JobMaster's side). */
  createHeartbeatManagerSender<I, O>(
    ownResourceId: string,
    listener: HeartbeatListener<I, O>,
    mainThreadExecutor: ScheduledExecutor,
    log?: HeartbeatLog,
  ): HeartbeatManager<I, O> {
    return new HeartbeatManagerSenderImpl(
      this.interval,
      this.timeout,
      this.failedRpcRequestsUntilUnreachable,
      ownResourceId,
      listener,
      mainThreadExecutor,
      this.clock,
      log,
    );
  }
}
