// The Node options a worker thread starts with. By default a worker inherits
// the process's execArgv, and some of those options only make sense for how
// the main script was run: a MiniCluster started from
// `node --input-type=module -e '…'` had every worker fail at once with
// ERR_INPUT_TYPE_NOT_ALLOWED. Those options are left out; the rest is kept.
// Node refuses some options in an explicit execArgv (V8 and per-process ones,
// ERR_WORKER_INVALID_EXEC_ARGV) although it lets workers inherit them: they
// apply to the whole process anyway, so they are dropped when Node names them.

import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Options that take the next argument as their value, whatever it looks like: -e, -p and clusters such as -pe. */
function takesValue(name: string): boolean {
  return (
    name === '--eval' || name === '--print' || name === '--input-type' || /^-[a-z]*[ep][a-z]*$/.test(name)
  );
}

/** How the main script runs (eval, print, check, REPL, its module type) and process-wide modes (test runner, watch). */
function isMainScriptOption(name: string): boolean {
  if (takesValue(name) || ['-c', '--check', '-i', '--interactive'].includes(name)) return true;
  return /^--(experimental-)?test(-|$)/.test(name) || /^--watch(-|$)/.test(name);
}

/**
 * The execArgv for a new worker: `undefined` (inherit, as Node does) unless
 * `execArgv` holds options a worker cannot use, then `execArgv` without them.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] | undefined {
  const kept: string[] = [];
  let dropped = false;
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const name = arg.split('=', 1)[0]!;
    if (!isMainScriptOption(name)) {
      kept.push(arg);
      continue;
    }
    dropped = true;
    if (arg.includes('=')) continue;
    // Only values follow an option in execArgv (the script is not in it).
    const next = execArgv[i + 1];
    if (next !== undefined && (takesValue(name) || !next.startsWith('-'))) i++;
  }
  return dropped ? kept : undefined;
}

/** `new Worker(entry, options)` with the execArgv of workerExecArgv. */
export function startWorkerThread(entry: URL, options: WorkerOptions): Worker {
  const execArgv = workerExecArgv();
  if (execArgv === undefined) return new Worker(entry, options);
  try {
    return new Worker(entry, { ...options, execArgv });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    // "Initiated Worker with invalid execArgv flags: --expose-gc, --max-old-space-size=200"
    const refused = new Set(
      String((error as Error).message)
        .split(': ')
        .slice(1)
        .join(': ')
        .split(', '),
    );
    const accepted = execArgv.filter((arg) => !refused.has(arg) && !refused.has(arg.split('=', 1)[0]!));
    try {
      return new Worker(entry, { ...options, execArgv: accepted });
    } catch {
      return new Worker(entry, { ...options, execArgv: [] });
    }
  }
}
