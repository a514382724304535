// TaskManager options, with Flink's keys and defaults (TaskManagerOptions).

import { durationOption, integerOption } from './config-option.js';
import { RpcOptions } from './rpc-options.js';

export const TaskManagerOptions = {
  NUM_TASK_SLOTS: integerOption('taskmanager.numberOfTaskSlots', {
    defaultValue: 1,
    description: 'Number of static slots of a TaskExecutor; -1 is read as 1.',
  }),
  SLOT_TIMEOUT: durationOption('taskmanager.slot.timeout', {
    defaultValue: RpcOptions.ASK_TIMEOUT_DURATION.defaultValue,
    description: 'Time an allocated but inactive slot waits for its JobMaster before it is freed, in ms.',
    fallbackKeys: [RpcOptions.ASK_TIMEOUT_DURATION.key, ...RpcOptions.ASK_TIMEOUT_DURATION.deprecatedKeys],
  }),
  REGISTRATION_TIMEOUT: durationOption('taskmanager.registration.timeout', {
    defaultValue: 5 * 60_000,
    description: 'Time a TaskExecutor may stay unregistered at a ResourceManager before it fails, in ms.',
    deprecatedKeys: ['taskmanager.maxRegistrationDuration'],
  }),
} as const;
