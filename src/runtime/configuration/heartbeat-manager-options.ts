// Heartbeat options, with Flink's keys and defaults (HeartbeatManagerOptions).

import { durationOption, integerOption } from './config-option.js';

/** The rpc-failure-threshold value that turns off unreachable-target detection. */
export const kFailedRpcDetectionDisabled = -1;

export const HeartbeatManagerOptions = {
  HEARTBEAT_INTERVAL: durationOption('heartbeat.interval', {
    defaultValue: 10_000,
    description: 'Time between heartbeat requests from the sender, in ms.',
  }),
  HEARTBEAT_TIMEOUT: durationOption('heartbeat.timeout', {
    defaultValue: 50_000,
    description: 'Time without a heartbeat after which a target counts as lost, in ms.',
  }),
  HEARTBEAT_RPC_FAILURE_THRESHOLD: integerOption('heartbeat.rpc-failure-threshold', {
    defaultValue: 2,
    description: 'Consecutive unreachable heartbeat RPCs after which a target counts as lost; -1 disables.',
  }),
} as const;
