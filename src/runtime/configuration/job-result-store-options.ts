// Job result store options, with Flink's keys and defaults (JobResultStoreOptions).

import { booleanOption, stringOption } from './config-option.js';

export const JobResultStoreOptions = {
  STORAGE_PATH: stringOption('job-result-store.storage-path', {
    defaultValue: '',
    description:
      'Directory of the job result store; by default <high-availability.storageDir>/job-result-store/<cluster-id>.',
  }),
  DELETE_ON_COMMIT: booleanOption('job-result-store.delete-on-commit', {
    defaultValue: true,
    description: 'Delete a job result once it is marked clean, instead of keeping it as a clean entry.',
  }),
} as const;
