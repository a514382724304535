// Where the worker entry of tasks (workers/task-runner.js) lives by default:
// relative to this module, which holds while the modules sit in dist/ as tsc
// wrote them. Once bundled (dist/workers/task-manager-host.bundle.js) every
// module shares the bundle's URL, so the bundled worker passes
// TaskExecutorServices.taskRunnerEntry itself.

const kDefaultEntry = new URL('../../../../workers/task-runner.js', import.meta.url);

/** The entry a TaskExecutor uses when its services name none. */
export function defaultTaskRunnerEntry(): URL {
  return kDefaultEntry;
}
