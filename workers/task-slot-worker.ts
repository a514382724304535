// A slot's task worker: runs the slot's tasks, one at a time, off the
// TaskExecutor's thread, so that user code never stalls heartbeats. Mirrors the
// executing thread of Flink's Task. The TaskExecutor posts a TaskRunRequest; the
// worker imports the module (once per job: imported modules are kept), calls the
// export with the arguments, awaits it if it returns a promise, and posts a
// TaskRunReply. Loaded by file, never bundled: it must stay small and start fast.
//
// The worker outlives jobs (see SlotWorker), so each job imports its task modules
// under a URL of its own: `?threadlink-job=<jobId>` on a file URL, a media-type
// parameter on a data URL. ESM caches modules by URL, so every job gets fresh
// instances of its task modules and their top-level state. Modules those import
// by their own URLs are shared between jobs, as is globalThis.
//
// An error nobody catches (a throwing timer, an unhandled rejection) fails the
// task that is running; after its task has returned, it is written to stderr
// and the worker stays, so it cannot fail the next task in the slot. Each run
// answers once: a late settlement of a run that already failed is dropped.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

import { encodeError } from '../src/actor/error-codec.js';
import { TaskInvokableError, TaskResultError } from '../src/runtime/taskexecutor/task/task-errors.js';
import type {
  TaskRunReply,
  TaskRunRequest,
} from '../src/runtime/taskexecutor/task/task-slot-worker-protocol.js';

type ModuleNamespace = Readonly<Record<string, unknown>>;

if (!parentPort) throw new Error('workers/task-slot-worker.js must run in a worker thread.');
const port = parentPort;
/** The current job's task modules, by specifier; another job's arrival clears it. */
const modules = new Map<string, ModuleNamespace>();
let modulesOfJob: string | undefined;

/** The run being answered; replies of any other are dropped. */
let current: { answered: boolean } | undefined;

port.on('message', (request: TaskRunRequest) => {
  const run = { answered: false };
  current = run;
  if (request.jobId !== modulesOfJob) {
    modules.clear();
    modulesOfJob = request.jobId;
  }
  const loaded = modules.get(request.module);
  if (loaded) {
    invoke(run, loaded, request);
    return;
  }
  load(request.module, request.jobId).then(
    (namespace) => invoke(run, namespace, request),
    (error: unknown) => fail(run, error),
  );
});

function onUncaught(error: unknown): void {
  const run = current;
  if (run && !run.answered) fail(run, error);
  else console.error('An error escaped a task that had already returned:', error);
}
process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);

/** The module's URL under the job's own cache key. */
function urlForJob(specifier: string, jobId: string): string {
  const url = isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier;
  const key = encodeURIComponent(jobId);
  if (url.startsWith('data:')) {
    // data:<media type>[;params][;base64],<data>: a parameter changes the URL, not the module.
    return /^data:[^,;]+/.test(url)
      ? url.replace(/^data:[^,;]+/, (type) => `${type};threadlink-job=${key}`)
      : url;
  }
  if (url.startsWith('file:')) return `${url}${url.includes('?') ? '&' : '?'}threadlink-job=${key}`;
  return url;
}

async function load(specifier: unknown, jobId: string): Promise<ModuleNamespace> {
  if (typeof specifier !== 'string' || specifier.length === 0) {
    throw new TaskInvokableError(
      `The task's module must be a URL or an absolute path, got ${String(specifier)}.`,
    );
  }
  const url = urlForJob(specifier, jobId);
  let namespace: ModuleNamespace;
  try {
    namespace = (await import(url)) as ModuleNamespace;
  } catch (cause) {
    throw new TaskInvokableError(`Could not load the task's module ${specifier}.`, { cause });
  }
  modules.set(specifier, namespace);
  return namespace;
}

function invoke(run: Run, namespace: ModuleNamespace, request: TaskRunRequest): void {
  const fn = namespace[request.exportName];
  if (typeof fn !== 'function') {
    fail(
      run,
      new TaskInvokableError(
        `The task's module ${request.module} has no function export "${String(request.exportName)}" ` +
          `(found ${fn === undefined ? 'nothing' : typeof fn}).`,
      ),
    );
    return;
  }
  const args = request.args ?? [];
  if (!Array.isArray(args)) {
    fail(run, new TaskInvokableError(`The task's arguments must be an array, got ${typeof args}.`));
    return;
  }
  let value: unknown;
  try {
    value = (fn as (...args: readonly unknown[]) => unknown)(...args);
  } catch (error) {
    fail(run, error);
    return;
  }
  if (isPromiseLike(value)) {
    value.then(
      (result) => succeed(run, result),
      (error: unknown) => fail(run, error),
    );
  } else {
    succeed(run, value);
  }
}

type Run = { answered: boolean };

function succeed(run: Run, value: unknown): void {
  if (run.answered) return;
  try {
    port.postMessage({ ok: true, value } satisfies TaskRunReply);
    run.answered = true;
  } catch (cause) {
    fail(
      run,
      new TaskResultError(`The task's return value could not be sent back: ${(cause as Error).message}`, {
        cause,
      }),
    );
  }
}

function fail(run: Run, error: unknown): void {
  if (run.answered) return;
  run.answered = true;
  port.postMessage({ ok: false, error: encodeError(error) } satisfies TaskRunReply);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
