// The `threadlink` command line: what parses into a run command, and what is
// a usage error (exit code 2) rather than a failed job. Flink's counterpart is
// CliFrontendRunTest (testRun, testUnrecognizedOption, testInvalidParallelismOption).

import { expect } from 'chai';

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  CliUsageError,
  parseCliArguments,
  type CliCommand,
  type CliRunCommand,
} from '../../src/cluster/cli-arguments.js';

describe('parseCliArguments', () => {
  let dir: string;
  let moduleUrl: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'threadlink-cli-'));
    writeFileSync(join(dir, 'tasks.js'), 'export const square = (x) => x * x;\n');
    moduleUrl = pathToFileURL(join(dir, 'tasks.js')).href;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (...argv: string[]): CliCommand => parseCliArguments(argv, { cwd: dir });
  const parseRun = (...argv: string[]): CliRunCommand => {
    const command = parse(...argv);
    if (command.kind !== 'run') throw new Error(`expected a run command, got ${command.kind}`);
    return command;
  };
  const usageError = (...argv: string[]): CliUsageError => {
    try {
      parse(...argv);
    } catch (error) {
      expect(error).to.be.instanceOf(CliUsageError);
      return error as CliUsageError;
    }
    throw new Error(`expected a usage error for: ${argv.join(' ')}`);
  };

  describe('valid command lines', () => {
    it('asks for help with --help, -h or the help command, whatever else is given', () => {
      expect(parse('--help')).to.deep.equal({ kind: 'help' });
      expect(parse('-h')).to.deep.equal({ kind: 'help' });
      expect(parse('help')).to.deep.equal({ kind: 'help' });
      expect(parse('run', 'missing.js', '--tasks', '3', '--help')).to.deep.equal({ kind: 'help' });
    });

    it('reads every option of run', () => {
      expect(
        parseRun(
          'run',
          'tasks.js',
          '--export',
          'square',
          '--tasks',
          '8',
          '--task-executors',
          '4',
          '--slots',
          '2',
          '--args',
          '[3, "x", {"a": null}]',
          '--restart-attempts',
          '3',
          '--restart-delay',
          '250',
        ),
      ).to.deep.equal({
        kind: 'run',
        module: moduleUrl,
        exportName: 'square',
        tasks: 8,
        taskExecutors: 4,
        slotsPerTaskExecutor: 2,
        args: [3, 'x', { a: null }],
        restartAttempts: 3,
        restartDelayMs: 250,
      });
    });

    it('accepts --option=value as well as --option value', () => {
      expect(parseRun('run', 'tasks.js', '--tasks=5', '--export=square')).to.include({
        tasks: 5,
        exportName: 'square',
      });
    });

    it('defaults to the default export, one task, one TaskExecutor of one slot, and no restarts', () => {
      expect(parseRun('run', 'tasks.js')).to.deep.equal({
        kind: 'run',
        module: moduleUrl,
        exportName: 'default',
        tasks: 1,
        taskExecutors: 1,
        slotsPerTaskExecutor: 1,
        args: undefined,
        restartAttempts: 0,
        restartDelayMs: 0,
      });
    });

    it('resolves a relative module path from the working directory into a file URL', () => {
      expect(parseRun('run', './tasks.js').module).to.equal(moduleUrl);
      expect(parseRun('run', join(dir, 'tasks.js')).module).to.equal(moduleUrl);
    });

    it('takes file: and data: URLs as they are', () => {
      expect(parseRun('run', moduleUrl).module).to.equal(moduleUrl);
      const data = 'data:text/javascript,export default () => 1';
      expect(parseRun('run', data).module).to.equal(new URL(data).href);
    });
  });

  describe('usage errors', () => {
    it('carry the code ERR_CLI_USAGE', () => {
      expect(usageError('run').code).to.equal('ERR_CLI_USAGE');
    });

    it('rejects a missing or unknown command', () => {
      expect(usageError().message).to.match(/Missing command/);
      expect(usageError('start', 'tasks.js').message).to.match(/Unknown command 'start'/);
    });

    it('rejects a run without a module, or with more than one', () => {
      expect(usageError('run').message).to.match(/Missing <module>/);
      expect(usageError('run', 'tasks.js', 'other.js').message).to.match(/Unexpected argument 'other.js'/);
    });

    it('rejects a module file that does not exist, or is a directory', () => {
      expect(usageError('run', 'nope.js').message).to.equal("<module> 'nope.js' not found.");
      expect(usageError('run', pathToFileURL(join(dir, 'nope.js')).href).message).to.match(/not found/);
      expect(usageError('run', '.').message).to.equal("<module> '.' is not a file.");
    });

    it('rejects URLs that a worker cannot import', () => {
      expect(usageError('run', 'https://example.com/tasks.js').message).to.match(/only file: and data: URLs/);
    });

    it('rejects an unknown option, naming it', () => {
      expect(usageError('run', 'tasks.js', '--parallelism', '4').message).to.equal(
        "Unknown option '--parallelism'.",
      );
    });

    it('rejects an option without its value', () => {
      expect(usageError('run', 'tasks.js', '--tasks').message).to.match(/--tasks/);
    });

    it('rejects counts that are not whole numbers, or too small', () => {
      for (const [flag, value] of [
        ['--tasks', 'x'],
        ['--tasks', '1.5'],
        ['--tasks', '0'],
        ['--tasks', '-1'],
        ['--task-executors', '0'],
        ['--slots', '2e3'],
        ['--restart-attempts', '-1'],
        ['--restart-delay', '10ms'],
      ] as const) {
        expect(usageError('run', 'tasks.js', `${flag}=${value}`).message).to.equal(
          `${flag} must be a whole number ≥ ${flag.startsWith('--restart') ? 0 : 1}, got '${value}'.`,
        );
      }
    });

    it('accepts zero restarts and a zero restart delay', () => {
      expect(parseRun('run', 'tasks.js', '--restart-attempts', '0', '--restart-delay', '0')).to.include({
        restartAttempts: 0,
        restartDelayMs: 0,
      });
    });

    it('rejects --args that is not JSON, or not a JSON array', () => {
      expect(usageError('run', 'tasks.js', '--args', '[1,').message).to.match(/^--args is not valid JSON/);
      expect(usageError('run', 'tasks.js', '--args', '{"a": 1}').message).to.match(/must be a JSON array/);
    });

    it('rejects an empty export name', () => {
      expect(usageError('run', 'tasks.js', '--export=').message).to.equal('--export must not be empty.');
    });
  });
});
