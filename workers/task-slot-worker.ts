// A slot's task worker: runs the slot's tasks, one at a time, off the
// TaskExecutor's thread, so that user code never stalls heartbeats. Mirrors the
// executing thread of Flink's Task. The TaskExecutor posts TaskRunRequests in
// batches, ahead of time; the worker queues them, claims each before it runs it
// (see task-slot-worker-protocol.ts), imports the module (once per job: imported
// modules are kept), calls the export with the arguments, awaits it if it
// returns a promise, and answers with a TaskRunReply. Once it listens it says
// so with an empty batch. Loaded by file, never bundled: it must stay small and
// start fast.
//
// Replies leave in batches, because waking the TaskExecutor's thread is what a
// tiny task costs most: when the queue runs dry, before the worker waits for a
// promise or a module, once kMaxRepliesPerMessage have gathered, and before a
// task starts while an answer has waited kMaxReplyDelayMs. The one that waits
// longer: the answer of a short task queued in front of a long synchronous one,
// which the JobMaster queues only behind tasks that proved short (SlotPool).
//
// The worker outlives jobs (see SlotWorker), so each job imports its task modules
// under a URL of its own: `?threadlink-job=<key>` on a file URL, a media-type
// parameter on a data URL. ESM caches modules by URL, so every job gets fresh
// instances of its task modules and their top-level state. Modules those import
// by their own URLs are shared between jobs, as is globalThis.
//
// Importing a module under a new URL reads, compiles and evaluates it again,
// 0.4–3 ms, which a job of one tiny task would otherwise pay on every run. So
// once a job has imported a module, the worker imports a spare instance of it
// in the background, under a key no job has used; the next job that needs the
// module takes the spare, which no task has touched, and another is made. The
// price: a module's top-level code runs once more than jobs need, ahead of time.
//
// An error nobody catches (a throwing timer, an unhandled rejection) fails the
// task that is running; after its task has returned, it is written to stderr
// and the worker stays, so it cannot fail the next task in the slot. Each run
// answers once: a late settlement of a run that already failed is dropped.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

import { encodeError } from '../src/actor/error-codec.js';
import { TaskInvokableError, TaskResultError } from '../src/runtime/taskexecutor/task/task-errors.js';
import {
  ClaimState,
  type TaskRunReply,
  type TaskRunRequest,
  type TaskSlotWorkerData,
  type TaskSlotWorkerReady,
} from '../src/runtime/taskexecutor/task/task-slot-worker-protocol.js';

type ModuleNamespace = Readonly<Record<string, unknown>>;

/** Answers that share one message at most. */
const kMaxRepliesPerMessage = 64;
/** How long an answer may wait for the next ones before a task starts. */
const kMaxReplyDelayMs = 1;

if (!parentPort) throw new Error('workers/task-slot-worker.js must run in a worker thread.');
const port = parentPort;
const claims = new Int32Array((workerData as TaskSlotWorkerData).claims);
/** The current job's task modules, by specifier; another job's arrival clears it. */
const modules = new Map<string, ModuleNamespace>();
let modulesOfJob: string | undefined;
/** Fresh instances of modules jobs have used, imported ahead for the next job, by specifier (oldest first). */
const spares = new Map<string, Promise<ModuleNamespace>>();
/** Spares kept at most: a worker that sees many different modules keeps those it saw last. */
const kMaxSpares = 4;
let spareKeys = 0;

/** Posted tasks not started yet, in order, from `head` on. */
let queue: TaskRunRequest[] = [];
let head = 0;
/** A run is in progress (or the queue is being worked through): new requests only queue. */
let busy = false;
let outbox: TaskRunReply[] = [];
/** When the oldest answer in the outbox was written. */
let outboxSince = 0;

interface Run {
  readonly request: TaskRunRequest;
  readonly startedAt: number;
  answered: boolean;
}
/** The run being answered; replies of any other are dropped. */
let current: Run | undefined;

port.on('message', (requests: TaskRunRequest[]) => {
  if (head >= 1024) {
    // A slot that is never idle never empties its queue: cut off what has run.
    queue = queue.slice(head);
    head = 0;
  }
  for (const request of requests) queue.push(request);
  if (!busy) drain();
});

function onUncaught(error: unknown): void {
  const run = current;
  if (run && !run.answered) {
    fail(run, error);
    next();
  } else console.error('An error escaped a task that had already returned:', error);
}
process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);
port.postMessage([] satisfies TaskSlotWorkerReady);

/** Runs queued tasks until the queue is empty or a run has to wait. */
function drain(): void {
  busy = true;
  while (head < queue.length) {
    const request = queue[head++] as TaskRunRequest;
    if (
      Atomics.compareExchange(claims, request.claim, ClaimState.QUEUED, ClaimState.STARTED) !==
      ClaimState.QUEUED
    ) {
      answer({ claim: request.claim, cancelled: true });
      continue;
    }
    if (outbox.length > 0 && performance.now() - outboxSince >= kMaxReplyDelayMs) flush();
    if (!start(request)) {
      // It waits for a promise or a module: what is answered so far leaves now.
      flush();
      return;
    }
  }
  queue = [];
  head = 0;
  busy = false;
  flush();
}

/** After an asynchronous run was answered: the queue goes on. */
function next(): void {
  current = undefined;
  drain();
}

/** Starts a run; true if it was answered before returning. */
function start(request: TaskRunRequest): boolean {
  const run: Run = { request, startedAt: performance.now(), answered: false };
  current = run;
  if (request.jobId !== modulesOfJob) {
    modules.clear();
    modulesOfJob = request.jobId;
  }
  const loaded = modules.get(request.module);
  if (loaded) return invoke(run, loaded);
  loadForJob(request.module, request.jobId).then(
    (namespace) => {
      // An uncaught error may have failed the run while its module loaded.
      if (!run.answered && invoke(run, namespace)) next();
    },
    (error: unknown) => failThenGoOn(run, error),
  );
  return false;
}

/** The module's URL under its own cache key. */
function urlForKey(specifier: string, cacheKey: string): string {
  const url = isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier;
  const key = encodeURIComponent(cacheKey);
  if (url.startsWith('data:')) {
    // data:<media type>[;params][;base64],<data>: a parameter changes the URL, not the module.
    return /^data:[^,;]+/.test(url)
      ? url.replace(/^data:[^,;]+/, (type) => `${type};threadlink-job=${key}`)
      : url;
  }
  if (url.startsWith('file:')) return `${url}${url.includes('?') ? '&' : '?'}threadlink-job=${key}`;
  return url;
}

/** The job's instance of the module: a spare if there is one, else a fresh import; a new spare follows. */
async function loadForJob(specifier: unknown, jobId: string): Promise<ModuleNamespace> {
  const spare = typeof specifier === 'string' ? spares.get(specifier) : undefined;
  let namespace: ModuleNamespace | undefined;
  if (spare) {
    spares.delete(specifier as string);
    // A spare that failed to load does not fail the job: its own import says why, if it fails too.
    namespace = await spare.catch(() => undefined);
  }
  namespace ??= await load(specifier, jobId);
  modules.set(specifier as string, namespace);
  // Once the job's first run has answered: the spare's import must not hold up this one.
  setImmediate(prepareSpare, specifier as string);
  return namespace;
}

function prepareSpare(specifier: string): void {
  if (spares.has(specifier)) return;
  if (spares.size >= kMaxSpares) spares.delete(spares.keys().next().value as string);
  const spare = load(specifier, `spare-${++spareKeys}`);
  spare.catch(() => {});
  spares.set(specifier, spare);
}

async function load(specifier: unknown, key: string): Promise<ModuleNamespace> {
  if (typeof specifier !== 'string' || specifier.length === 0) {
    throw new TaskInvokableError(
      `The task's module must be a URL or an absolute path, got ${String(specifier)}.`,
    );
  }
  try {
    return (await import(urlForKey(specifier, key))) as ModuleNamespace;
  } catch (cause) {
    throw new TaskInvokableError(`Could not load the task's module ${specifier}.`, { cause });
  }
}

/** Calls the task's function; true if it was answered before returning. */
function invoke(run: Run, namespace: ModuleNamespace): boolean {
  const request = run.request;
  const fn = namespace[request.exportName];
  if (typeof fn !== 'function') {
    fail(
      run,
      new TaskInvokableError(
        `The task's module ${request.module} has no function export "${String(request.exportName)}" ` +
          `(found ${fn === undefined ? 'nothing' : typeof fn}).`,
      ),
    );
    return true;
  }
  const args = request.args ?? [];
  if (!Array.isArray(args)) {
    fail(run, new TaskInvokableError(`The task's arguments must be an array, got ${typeof args}.`));
    return true;
  }
  let value: unknown;
  try {
    value = (fn as (...args: readonly unknown[]) => unknown)(...args);
  } catch (error) {
    fail(run, error);
    return true;
  }
  if (!isPromiseLike(value)) {
    succeed(run, value);
    return true;
  }
  value.then(
    (result) => {
      if (run.answered) return;
      succeed(run, result);
      next();
    },
    (error: unknown) => failThenGoOn(run, error),
  );
  return false;
}

/** An asynchronous run failed: answer it (unless it was already), then the queue goes on. */
function failThenGoOn(run: Run, error: unknown): void {
  if (run.answered) return;
  fail(run, error);
  next();
}

function succeed(run: Run, value: unknown): void {
  if (run.answered) return;
  run.answered = true;
  Atomics.store(claims, run.request.claim, ClaimState.DONE);
  answer({ claim: run.request.claim, ok: true, value, ms: performance.now() - run.startedAt });
}

function fail(run: Run, error: unknown): void {
  if (run.answered) return;
  run.answered = true;
  Atomics.store(claims, run.request.claim, ClaimState.DONE);
  answer({ claim: run.request.claim, ok: false, error: encodeError(error) });
}

function answer(reply: TaskRunReply): void {
  if (outbox.length === 0) outboxSince = performance.now();
  outbox.push(reply);
  if (outbox.length >= kMaxRepliesPerMessage) flush();
}

function flush(): void {
  if (outbox.length === 0) return;
  const replies = outbox;
  outbox = [];
  try {
    port.postMessage(replies);
  } catch {
    // Some return value cannot be cloned: send them one by one, to learn which.
    for (const reply of replies) postAlone(reply);
  }
}

function postAlone(reply: TaskRunReply): void {
  try {
    port.postMessage([reply]);
  } catch (cause) {
    const error = new TaskResultError(
      `The task's return value could not be sent back: ${(cause as Error).message}`,
      { cause },
    );
    port.postMessage([{ claim: reply.claim, ok: false, error: encodeError(error) } satisfies TaskRunReply]);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
