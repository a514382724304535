// Registration backoff options, with Flink's keys and defaults (ClusterOptions).

import { durationOption } from './config-option.js';

export const ClusterOptions = {
  INITIAL_REGISTRATION_TIMEOUT: durationOption('cluster.registration.initial-timeout', {
    defaultValue: 100,
    description:
      'Initial registration timeout between cluster components, in ms; doubled after each timeout.',
  }),
  MAX_REGISTRATION_TIMEOUT: durationOption('cluster.registration.max-timeout', {
    defaultValue: 30_000,
    description: 'Maximum registration timeout between cluster components, in ms.',
  }),
  ERROR_REGISTRATION_DELAY: durationOption('cluster.registration.error-delay', {
    defaultValue: 10_000,
    description: 'Pause after a registration attempt failed with an error, in ms.',
  }),
  REFUSED_REGISTRATION_DELAY: durationOption('cluster.registration.refused-registration-delay', {
    defaultValue: 30_000,
    description: 'Pause after a registration was refused (a Failure response), in ms.',
  }),
} as const;
