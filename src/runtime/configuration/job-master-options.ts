// JobMaster options: Flink's slot.request.timeout (its JobManagerOptions.SLOT_REQUEST_TIMEOUT,
// default 5 min), and threadlink's own budget of free redeployments of a task whose
// TaskExecutor or slot was lost, so that an infrastructure failure does not use
// up the restart attempts the user set aside for failures of their own code.

import { durationOption, integerOption } from './config-option.js';

export const JobMasterOptions = {
  SLOT_REQUEST_TIMEOUT: durationOption('slot.request.timeout', {
    defaultValue: 5 * 60_000,
    description:
      'How long tasks may wait for a slot while the job holds none before the job fails with ' +
      'NoResourceAvailableError (ERR_NO_RESOURCE_AVAILABLE), in ms.',
  }),
  LOST_TASK_EXECUTOR_REDEPLOYMENTS: integerOption('jobmanager.execution.lost-task-executor-redeployments', {
    defaultValue: 3,
    description:
      "threadlink's own: how often each task is redeployed without using a restart attempt after its " +
      'TaskExecutor or slot was lost while it ran; beyond that, a loss counts as a failure. ' +
      'A job may set its own with restart.lostTaskExecutorRedeployments.',
  }),
} as const;
