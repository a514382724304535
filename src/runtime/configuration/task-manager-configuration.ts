// The TaskExecutor's settings derived from a Configuration, mirroring the parts of
// Flink's TaskManagerConfiguration and ConfigurationParserUtils.getSlot that the
// control plane needs. Plain data, so the TaskExecutor's worker can receive it.

import type { Configuration } from './configuration.js';
import { IllegalConfigurationError } from './illegal-configuration-error.js';
import { RetryingRegistrationConfiguration } from './retrying-registration-configuration.js';
import { RpcOptions } from './rpc-options.js';
import { TaskManagerOptions } from './task-manager-options.js';

export interface TaskManagerConfiguration {
  readonly numberSlots: number;
  /** How long an allocated slot may stay inactive before it times out. */
  readonly slotTimeoutMs: number;
  readonly rpcTimeoutMs: number;
  /** Longest time without a ResourceManager registration; null means no limit. */
  readonly maxRegistrationDurationMs: number | null;
  readonly retryingRegistrationConfiguration: RetryingRegistrationConfiguration;
}

export const TaskManagerConfiguration = {
  /** The number of static slots: at least one; -1, found in many old configs, means 1. */
  getSlot(conf: Configuration): number {
    const configured = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
    const slots = configured === -1 ? 1 : configured;
    if (slots < 1) {
      throw IllegalConfigurationError.invalidValue(
        TaskManagerOptions.NUM_TASK_SLOTS.key,
        configured,
        'Number of task slots must be at least one.',
      );
    }
    return slots;
  },

  fromConfiguration(conf: Configuration): TaskManagerConfiguration {
    const slotTimeoutMs = conf.get(TaskManagerOptions.SLOT_TIMEOUT);
    if (slotTimeoutMs < 0) {
      throw IllegalConfigurationError.invalidValue(
        TaskManagerOptions.SLOT_TIMEOUT.key,
        slotTimeoutMs,
        'The slot timeout must not be negative.',
      );
    }
    const rpcTimeoutMs = conf.get(RpcOptions.ASK_TIMEOUT_DURATION);
    if (!(rpcTimeoutMs > 0)) {
      throw IllegalConfigurationError.invalidValue(
        RpcOptions.ASK_TIMEOUT_DURATION.key,
        rpcTimeoutMs,
        'The ask timeout must be larger than 0.',
      );
    }
    return Object.freeze({
      numberSlots: TaskManagerConfiguration.getSlot(conf),
      slotTimeoutMs,
      rpcTimeoutMs,
      maxRegistrationDurationMs: maxRegistrationDuration(conf),
      retryingRegistrationConfiguration: RetryingRegistrationConfiguration.fromConfiguration(conf),
    });
  },
};

// Flink reads an unparsable registration timeout as "no limit" rather than failing
// start-up; kept, since operators rely on it to disable the limit.
function maxRegistrationDuration(conf: Configuration): number | null {
  try {
    return conf.get(TaskManagerOptions.REGISTRATION_TIMEOUT);
  } catch (error) {
    if (error instanceof IllegalConfigurationError) return null;
    throw error;
  }
}
