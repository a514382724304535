// Validated heartbeat settings, mirroring the checks of Flink's HeartbeatServices
// constructor: interval > 0, timeout >= interval, and a failure threshold that is
// positive or -1 (detection off). Plain data for the heartbeat services to use.

import type { Configuration } from './configuration.js';
import { HeartbeatManagerOptions, kFailedRpcDetectionDisabled } from './heartbeat-manager-options.js';
import { IllegalConfigurationError } from './illegal-configuration-error.js';

export interface HeartbeatServicesConfiguration {
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  /** Consecutive unreachable RPCs until a target is lost, or -1 to never count them. */
  readonly failedRpcRequestsUntilUnreachable: number;
}

export const HeartbeatServicesConfiguration = {
  of(settings: HeartbeatServicesConfiguration): HeartbeatServicesConfiguration {
    const { heartbeatIntervalMs, heartbeatTimeoutMs, failedRpcRequestsUntilUnreachable } = settings;
    const { HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT, HEARTBEAT_RPC_FAILURE_THRESHOLD } =
      HeartbeatManagerOptions;
    if (!(heartbeatIntervalMs > 0)) {
      throw IllegalConfigurationError.invalidValue(
        HEARTBEAT_INTERVAL.key,
        heartbeatIntervalMs,
        'The heartbeat interval must be larger than 0.',
      );
    }
    if (!(heartbeatTimeoutMs >= heartbeatIntervalMs)) {
      throw IllegalConfigurationError.invalidValue(
        HEARTBEAT_TIMEOUT.key,
        heartbeatTimeoutMs,
        `The heartbeat timeout should be larger or equal than the heartbeat interval (${HEARTBEAT_INTERVAL.key} : ${heartbeatIntervalMs}).`,
      );
    }
    if (!(
      Number.isInteger(failedRpcRequestsUntilUnreachable) &&
      (failedRpcRequestsUntilUnreachable > 0 ||
        failedRpcRequestsUntilUnreachable === kFailedRpcDetectionDisabled)
    )) {
      throw IllegalConfigurationError.invalidValue(
        HEARTBEAT_RPC_FAILURE_THRESHOLD.key,
        failedRpcRequestsUntilUnreachable,
        `The number of failed heartbeat RPCs until unreachable must be larger than 0 or ${kFailedRpcDetectionDisabled}.`,
      );
    }
    return Object.freeze({ heartbeatIntervalMs, heartbeatTimeoutMs, failedRpcRequestsUntilUnreachable });
  },

  fromConfiguration(conf: Configuration): HeartbeatServicesConfiguration {
    return HeartbeatServicesConfiguration.of({
      heartbeatIntervalMs: conf.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL),
      heartbeatTimeoutMs: conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT),
      failedRpcRequestsUntilUnreachable: conf.get(HeartbeatManagerOptions.HEARTBEAT_RPC_FAILURE_THRESHOLD),
    });
  },
};
