// Job result store options, with Flink's keys and defaults (JobResultStoreOptions).

import { booleanOption, stringOption } from './config-option.js';

export const JobResultStoreOptions = {
  STORAGE_PATH: stringOption('job-result-store.storage-path', {
    defaultValue: '',
    description:
      'Directory of the job result store; by default <high-availability.storageDir>/job-result-store/<cluster-id>.',
  }),
  // Flink's default is true; threadlink keeps clean results, so that a leader
  // elected after a failover still answers for jobs that ended before it.
  DELETE_ON_COMMIT: booleanOption('job-result-store.delete-on-commit', {
    defaultValue: false,
    description:
      'Delete a job result once it is marked clean, instead of keeping it as a clean entry (Flink: true).',
  }),
} as const;
