// Defaults and sentinels of Flink's HeartbeatManagerOptions (heartbeat.interval,
// heartbeat.timeout, heartbeat.rpc-failure-threshold), stated once.

export const kDefaultHeartbeatInterval = 10_000;
export const kDefaultHeartbeatTimeout = 50_000;
export const kDefaultFailedRpcRequestsUntilUnreachable = 2;
/** `heartbeat.rpc-failure-threshold` value that turns unreachable-target detection off. */
export { kFailedRpcDetectionDisabled } from '../configuration/heartbeat-manager-options.js';
