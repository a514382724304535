// Puts the tasks of an injected ScheduledExecutor (a ManualExecutor in tests)
// into an endpoint's main thread. The heartbeat manager and its timeouts then
// run in the ResourceManager's mailbox whichever executor drives the time, as
// Flink's do (FLINK-9417), and a test that advances the clock sees the effect
// after its next call to the endpoint.

import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';

export function scheduleInMainThread(
  executor: ScheduledExecutor,
  runAsync: (task: () => void) => void,
): ScheduledExecutor {
  return {
    execute: (task) => executor.execute(() => runAsync(task)),
    schedule: (task, delayMs) => executor.schedule(() => runAsync(task), delayMs),
  };
}
