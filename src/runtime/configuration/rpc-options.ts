// RPC options (Flink's RpcOptions). Flink's key is pekko.ask.timeout, formerly
// akka.ask.timeout; both are read as deprecated names of rpc.ask-timeout.

import { durationOption } from './config-option.js';

export const RpcOptions = {
  ASK_TIMEOUT_DURATION: durationOption('rpc.ask-timeout', {
    defaultValue: 10_000,
    description: 'Timeout of asks between components, in ms.',
    deprecatedKeys: ['pekko.ask.timeout', 'akka.ask.timeout'],
  }),
} as const;
