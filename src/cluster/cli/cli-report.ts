// How the CLI tells the user that something failed: the error and its chain of
// causes, one per line with class and code, then the innermost stack (often the
// task's own code). Shared by every command.

import { codeOf } from '../../runtime/flink-error.js';
import { JobCancellationError } from '../../runtime/jobmaster/job-master-errors.js';

/** The exit codes of every command (Flink's CLI: 0 ok, 1 failure; 2 a usage error, as POSIX tools). */
export const enum ExitCode {
  Finished = 0,
  Failed = 1,
  Usage = 2,
  /** As a shell reports a process ended by SIGINT (128 + 2). */
  Interrupted = 130,
}

/** The error, its cause, the cause's cause... */
function causeChain(error: unknown): unknown[] {
  const chain = [error];
  for (let e = error; e instanceof Error && e.cause !== undefined; e = e.cause) chain.push(e.cause);
  return chain;
}

export function isCancellation(error: unknown): boolean {
  return causeChain(error).some((e) => e instanceof JobCancellationError);
}

function configurationErrorIn(error: unknown): unknown {
  return causeChain(error).find((e) => {
    const code = codeOf(e);
    return code === 'ERR_ILLEGAL_CONFIGURATION' || code === 'ERR_RPC_CONFIGURATION';
  });
}

/** Whether the error is the user's configuration, at any depth: exit code 2, not 1. */
export function isConfigurationError(error: unknown): boolean {
  return configurationErrorIn(error) !== undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
}

/**
 * Writes the error and its causes to stderr, under "threadlink: <what>.". A
 * configuration error is the user's to fix, not a bug: one line, no stack.
 */
export function reportFailure(error: unknown, what = 'the job failed'): void {
  const configuration = configurationErrorIn(error);
  if (configuration) {
    process.stderr.write(`threadlink: ${what}: ${describe(configuration)}\n`);
    return;
  }
  const [outer, ...causes] = causeChain(error);
  const lines = [
    `threadlink: ${what}.`,
    `  ${describe(outer)}`,
    ...causes.map((cause) => `  caused by: ${describe(cause)}`),
  ];
  const innermost = causes.at(-1) ?? outer;
  const stack = innermost instanceof Error ? (innermost.stack?.split('\n').slice(1) ?? []) : [];
  lines.push(...stack.map((line) => `    ${line.trim()}`));
  process.stderr.write(`${lines.join('\n')}\n`);
}
