// The worker entry of a slot: runs the slot's tasks, one at a time, off the
// TaskExecutor's thread, so that user code never stalls heartbeats. Mirrors the
// executing thread of Flink's Task. The TaskExecutor posts a TaskRunRequest; the
// worker imports the module (once: imported modules are kept), calls the export
// with the arguments, awaits it if it returns a promise, and posts a
// TaskRunReply. Loaded by file, never bundled: it must stay small and start fast.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

import { encodeError } from '../src/actor/error-codec.js';
import { TaskInvokableError, TaskResultError } from '../src/runtime/taskexecutor/task/task-errors.js';
import type { TaskRunReply, TaskRunRequest } from '../src/runtime/taskexecutor/task/task-runner-protocol.js';

type ModuleNamespace = Readonly<Record<string, unknown>>;

if (!parentPort) throw new Error('workers/task-runner.js must run in a worker thread.');
const port = parentPort;
const modules = new Map<string, ModuleNamespace>();

port.on('message', (request: TaskRunRequest) => {
  const loaded = modules.get(request.module);
  if (loaded) {
    invoke(loaded, request);
    return;
  }
  load(request.module).then(
    (namespace) => invoke(namespace, request),
    (error: unknown) => fail(error),
  );
});

async function load(specifier: unknown): Promise<ModuleNamespace> {
  if (typeof specifier !== 'string' || specifier.length === 0) {
    throw new TaskInvokableError(
      `The task's module must be a URL or an absolute path, got ${String(specifier)}.`,
    );
  }
  const url = isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier;
  let namespace: ModuleNamespace;
  try {
    namespace = (await import(url)) as ModuleNamespace;
  } catch (cause) {
    throw new TaskInvokableError(`Could not load the task's module ${specifier}.`, { cause });
  }
  modules.set(specifier, namespace);
  return namespace;
}

function invoke(namespace: ModuleNamespace, request: TaskRunRequest): void {
  const fn = namespace[request.exportName];
  if (typeof fn !== 'function') {
    fail(
      new TaskInvokableError(
        `The task's module ${request.module} has no function export "${String(request.exportName)}" ` +
          `(found ${fn === undefined ? 'nothing' : typeof fn}).`,
      ),
    );
    return;
  }
  const args = request.args ?? [];
  if (!Array.isArray(args)) {
    fail(new TaskInvokableError(`The task's arguments must be an array, got ${typeof args}.`));
    return;
  }
  let value: unknown;
  try {
    value = (fn as (...args: readonly unknown[]) => unknown)(...args);
  } catch (error) {
    fail(error);
    return;
  }
  if (isPromiseLike(value)) value.then(succeed, fail);
  else succeed(value);
}

function succeed(value: unknown): void {
  try {
    port.postMessage({ ok: true, value } satisfies TaskRunReply);
  } catch (cause) {
    fail(
      new TaskResultError(`The task's return value could not be sent back: ${(cause as Error).message}`, {
        cause,
      }),
    );
  }
}

function fail(error: unknown): void {
  port.postMessage({ ok: false, error: encodeError(error) } satisfies TaskRunReply);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
