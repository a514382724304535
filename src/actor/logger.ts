// Logging through tslog: one sub-logger per component, quiet by default.
// THREADLINK_LOG raises the level (silly, trace, debug, info, warn, error, fatal)
// or silences everything (silent); worker threads inherit it.
//
// Sinks (addLogSink) hear every line at info and above whatever the console's
// level, so that a TaskExecutor can keep its recent lines for the REST API.
//
// A component's tslog logger is made on its first call at an enabled level.
// Most calls are below the level and cost one comparison; and a new worker,
// which declares loggers in every module it loads, creates none of them.

import { Logger } from 'tslog';

const kLevels = { silly: 0, trace: 1, debug: 2, info: 3, warn: 4, error: 5, fatal: 6 } as const;
type LevelName = keyof typeof kLevels;

function configuredLevel(): number {
  const name = (process.env.THREADLINK_LOG ?? 'error').toLowerCase();
  if (name === 'silent') return Infinity;
  return kLevels[name as LevelName] ?? kLevels.error;
}

const minLevel = configuredLevel();
/** Lines at this level and above reach the sinks. */
const kSinkLevel = kLevels.info;
let root: Logger<unknown> | undefined;

function rootLogger(): Logger<unknown> {
  root ??= new Logger<unknown>({
    name: 'threadlink',
    type: 'pretty',
    minLevel: Math.min(minLevel, kLevels.fatal),
    hideLogPositionForProduction: true,
  });
  return root;
}

/** Hears one log line of this thread: its level, component and text. */
export type LogSink = (level: LevelName, component: string, text: string) => void;

const sinks = new Set<LogSink>();

/** `sink` hears every line of this thread at info and above from now on; the returned function stops it. */
export function addLogSink(sink: LogSink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

function textOf(args: readonly unknown[]): string {
  return args
    .map((arg) =>
      arg instanceof Error ? `${arg.name}: ${arg.message}` : typeof arg === 'string' ? arg : safeJson(arg),
    )
    .join(' ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export type ComponentLogger = { readonly [L in LevelName]: (...args: unknown[]) => void };

export function getLogger(component: string): ComponentLogger {
  let logger: Logger<unknown> | undefined;
  const at =
    (level: LevelName) =>
    (...args: unknown[]): void => {
      if (sinks.size > 0 && kLevels[level] >= kSinkLevel) {
        const text = textOf(args);
        for (const sink of sinks) sink(level, component, text);
      }
      if (kLevels[level] < minLevel) return;
      logger ??= rootLogger().getSubLogger({ name: component });
      logger[level](...args);
    };
  return {
    silly: at('silly'),
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
  };
}
