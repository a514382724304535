#!/usr/bin/env node
// `threadlink`: runs a job (`run`), a cluster process (`jobmanager`,
// `taskmanager`), or a client call against a cluster (`list`, `cancel`). Mirrors
// Flink's CliFrontend and its jobmanager.sh and taskmanager.sh. The command line
// and the --config file are parsed in cli-arguments.ts; each command lives in cli/.
//
// stdout carries the results and nothing else, so that `threadlink run ... | jq`
// works: every other writer (logs, the worker threads' console) is sent to stderr.

import type { Writable } from 'node:stream';

import { Configuration } from '../runtime/configuration/configuration.js';
import {
  CliUsageError,
  ConfigFileError,
  parseCommandLine,
  usageOf,
  type CliCommand,
} from './cli-arguments.js';
import { cancelCommand, listCommand } from './cli/cli-cluster-client-commands.js';
import { runJobManager, runTaskManager } from './cli/cli-process-commands.js';
import { ExitCode, isConfigurationError, reportFailure } from './cli/cli-report.js';
import { runCommand } from './cli/cli-run.js';

/**
 * Keeps the real stdout for the results and points `process.stdout` at stderr.
 * Worker threads pipe their console into whatever `process.stdout` is when they
 * start, and the global console binds to it on first use, so this must run
 * before either.
 */
function takeStdout(): Writable {
  const stdout = process.stdout;
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: true,
    get: () => process.stderr,
  });
  return stdout;
}

const results = takeStdout();

async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    // A config file's error names its file and line already; a flag's points at --help.
    const hint = error instanceof ConfigFileError ? '' : ' (see threadlink --help)';
    process.stderr.write(`threadlink: ${error.message}${hint}\n`);
    return ExitCode.Usage;
  }
  if (command.kind === 'help') {
    results.write(usageOf(command.command));
    return ExitCode.Finished;
  }
  for (const warning of command.configuration.warnings) {
    process.stderr.write(`threadlink: warning: ${warning.message}\n`);
  }
  switch (command.kind) {
    case 'run':
      return runCommand(command, results);
    case 'list':
      return listCommand(command, results);
    case 'cancel':
      return cancelCommand(command);
    case 'jobmanager':
    case 'taskmanager': {
      const configuration = new Configuration(command.configuration.values);
      const serve = command.kind === 'jobmanager' ? runJobManager : runTaskManager;
      return serve(configuration, results).catch((error: unknown) => {
        reportFailure(error, `the ${command.kind} could not start`);
        return isConfigurationError(error) ? ExitCode.Usage : ExitCode.Failed;
      });
    }
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  reportFailure(error, 'unexpected error');
  return ExitCode.Failed;
});
