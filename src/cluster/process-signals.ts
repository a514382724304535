// How a jobmanager or taskmanager process ends: SIGTERM or SIGINT stops it
// gracefully (TaskExecutors tell the ResourceManager and their JobMasters they
// are going, so their tasks move elsewhere at once), and a second signal during
// that ends it at once. A fatal error of the process's components stops it too,
// with exit code 1. Flink's ClusterEntrypoint and TaskManagerRunner install the
// same shutdown hooks (SignalHandler, JvmShutdownSafeguard).

import { constants } from 'node:os';
import { getLogger } from '../actor/logger.js';

const log = getLogger('process');

export interface StoppableProcess {
  closeAsync(): Promise<void>;
}

/** Exit codes: 0 after a graceful stop, 1 after a fatal error. */
export const enum ProcessExitCode {
  Stopped = 0,
  Failed = 1,
}

/**
 * Starts the process with a handler for its fatal errors, then serves until a
 * signal or a fatal error; resolves with the exit code once it has stopped.
 * A failed start rejects, with nothing left running.
 */
export async function serveUntilStopped(
  name: string,
  start: (onFatalError: (error: Error) => void) => Promise<StoppableProcess>,
): Promise<number> {
  let failed!: (error: Error) => void;
  const fatal = new Promise<Error>((resolve) => (failed = resolve));
  const running = await start((error) => failed(error));
  let signals = 0;
  let stop!: (signal: NodeJS.Signals) => void;
  const signalled = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals === 1) {
      log.info(`${name} received ${signal}; stopping gracefully (send it again to stop at once).`);
      stop(signal);
      return;
    }
    log.warn(`${name} received ${signal} again; exiting at once.`);
    process.exit(128 + (constants.signals[signal] ?? 15));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const outcome = await Promise.race([signalled.then(() => undefined), fatal.then((error) => error)]);
    if (outcome) log.error(`${name} failed: ${outcome.message}`, outcome);
    await running.closeAsync().catch((error: unknown) => {
      log.error(`${name} did not stop cleanly.`, error);
    });
    return outcome ? ProcessExitCode.Failed : ProcessExitCode.Stopped;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
