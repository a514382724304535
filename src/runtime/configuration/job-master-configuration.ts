// The JobMaster's settings derived from a Configuration, checked once: the slot
// request timeout and the default budget of free redeployments after a lost
// TaskExecutor. Mirrors the part of Flink's JobMasterConfiguration that
// threadlink uses; plain data, so it travels to the JobManager thread.

import { Configuration } from './configuration.js';
import { IllegalConfigurationError } from './illegal-configuration-error.js';
import { JobMasterOptions } from './job-master-options.js';

export interface JobMasterConfiguration {
  /** How long tasks may wait for a slot while the job holds none (slot.request.timeout). */
  readonly slotRequestTimeoutMs: number;
  /** Free redeployments per task after a lost TaskExecutor or slot, unless the job sets its own. */
  readonly lostTaskExecutorRedeployments: number;
}

export const JobMasterConfiguration = {
  /** The defaults: a 5 min slot request timeout (Flink's), 3 free redeployments per task. */
  defaults(): JobMasterConfiguration {
    return JobMasterConfiguration.fromConfiguration(new Configuration());
  },

  /** Throws IllegalConfigurationError (ERR_ILLEGAL_CONFIGURATION) naming the key of a bad value. */
  fromConfiguration(conf: Configuration): JobMasterConfiguration {
    const { SLOT_REQUEST_TIMEOUT, LOST_TASK_EXECUTOR_REDEPLOYMENTS } = JobMasterOptions;
    const slotRequestTimeoutMs = conf.get(SLOT_REQUEST_TIMEOUT);
    if (!(slotRequestTimeoutMs > 0)) {
      throw IllegalConfigurationError.invalidValue(
        SLOT_REQUEST_TIMEOUT.key,
        slotRequestTimeoutMs,
        'The slot request timeout must be larger than 0.',
      );
    }
    const lostTaskExecutorRedeployments = conf.get(LOST_TASK_EXECUTOR_REDEPLOYMENTS);
    if (lostTaskExecutorRedeployments < 0) {
      throw IllegalConfigurationError.invalidValue(
        LOST_TASK_EXECUTOR_REDEPLOYMENTS.key,
        lostTaskExecutorRedeployments,
        'The number of free redeployments must not be negative.',
      );
    }
    return Object.freeze({ slotRequestTimeoutMs, lostTaskExecutorRedeployments });
  },
};
