// Logging through tslog: one sub-logger per component, quiet by default.
// THREADLINK_LOG raises the level (silly, trace, debug, info, warn, error, fatal)
// or silences everything (silent); worker threads inherit it.

import { Logger } from 'tslog';

const kLevels: Record<string, number> = {
  silly: 0,
  trace: 1,
  debug: 2,
  info: 3,
  warn: 4,
  error: 5,
  fatal: 6,
};

function configuredLevel(): number | undefined {
  const name = (process.env.THREADLINK_LOG ?? 'error').toLowerCase();
  return name === 'silent' ? undefined : (kLevels[name] ?? kLevels.error);
}

const level = configuredLevel();
const root = new Logger<unknown>({
  name: 'threadlink',
  type: level === undefined ? 'hidden' : 'pretty',
  minLevel: level ?? 6,
  hideLogPositionForProduction: true,
});

export type ComponentLogger = Logger<unknown>;

export function getLogger(component: string): ComponentLogger {
  return root.getSubLogger({ name: component });
}
