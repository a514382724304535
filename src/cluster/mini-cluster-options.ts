// The checks of MiniCluster.start's options: an unknown option is a typo, and is
// refused naming it and the option it was likely meant to be, instead of being
// silently ignored (`{ taskExecutor: 2 }` once started one TaskExecutor).

import { IllegalConfigurationError } from '../runtime/configuration/illegal-configuration-error.js';
import { nearestOf } from './config/nearest-key.js';
import { MiniClusterError } from './mini-cluster-errors.js';
import type { MiniClusterOptions } from './mini-cluster.js';

const kKnownOptions: readonly (keyof MiniClusterOptions)[] = [
  'taskExecutors',
  'slotsPerTaskExecutor',
  'config',
  'totalResourceProfile',
  'rpc',
  'activeResourceManagement',
  'rest',
];

export function checkMiniClusterOptions(options: MiniClusterOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new IllegalConfigurationError('MiniCluster options must be an object.');
  }
  for (const key of Object.keys(options)) {
    if ((kKnownOptions as readonly string[]).includes(key)) continue;
    const nearest = nearestOf(key, kKnownOptions);
    throw new IllegalConfigurationError(
      `Unknown MiniCluster option '${key}'` + (nearest ? ` (did you mean '${nearest}'?).` : '.'),
    );
  }
  if (options.rest !== undefined) checkRestOptions(options.rest);
  const count = options.taskExecutors ?? 1;
  if (!Number.isInteger(count) || count < 0) {
    throw new MiniClusterError(`taskExecutors must be a whole number ≥ 0, got ${String(count)}.`);
  }
}

function checkRestOptions(rest: NonNullable<MiniClusterOptions['rest']>): void {
  if (rest === null || typeof rest !== 'object') {
    throw new IllegalConfigurationError('MiniCluster option rest must be an object such as { port: 0 }.');
  }
  const port = rest.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new IllegalConfigurationError(
      `rest.port must be a whole number from 0 to 65535, got ${String(port)}.`,
    );
  }
}
