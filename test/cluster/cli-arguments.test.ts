// The `threadlink` command line: what parses into each command, and what is a
// usage error (exit code 2) rather than a failed job. Flink's counterparts are
// CliFrontendRunTest (testRun, testUnrecognizedOption, testInvalidParallelismOption),
// CliFrontendListTest and CliFrontendCancelTest. Config files: test/cluster/config/.

import { expect } from 'chai';

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  CliUsageError,
  kUsage,
  parseCommandLine,
  usageOf,
  type CliCommand,
  type CliCommandName,
  type CliRunCommand,
} from '../../src/cluster/cli-arguments.js';
import { kNoClusterConfiguration } from '../../src/cluster/config/cluster-configuration.js';

describe('parseCommandLine', () => {
  let dir: string;
  let moduleUrl: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'threadlink-cli-'));
    writeFileSync(join(dir, 'tasks.js'), 'export const square = (x) => x * x;\n');
    moduleUrl = pathToFileURL(join(dir, 'tasks.js')).href;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (...argv: string[]): CliCommand => parseCommandLine(argv, { cwd: dir });
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
      expect(parse('--config', 'x.yaml', '--help')).to.deep.equal({ kind: 'help' });
      expect(parse('run', 'missing.js', '--tasks', '3', '--help')).to.deep.equal({
        kind: 'help',
        command: 'run',
      });
      expect(parse('taskmanager', '--slots', 'x', '-h')).to.deep.equal({
        kind: 'help',
        command: 'taskmanager',
      });
      expect(parse('help', 'cancel')).to.deep.equal({ kind: 'help', command: 'cancel' });
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
        jobManager: undefined,
        dashboard: false,
        configuration: {
          ...kNoClusterConfiguration,
          values: { 'taskmanager.task-executors': 4, 'taskmanager.numberOfTaskSlots': 2 },
        },
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
        jobManager: undefined,
        dashboard: false,
        configuration: kNoClusterConfiguration,
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
      expect(usageError('--tasks', '3', 'run', 'tasks.js').message).to.equal(
        "Missing command before '--tasks': expected `threadlink <command> [options]`.",
      );
      expect(usageError('start', 'tasks.js').message).to.equal(
        "Unknown command 'start': expected run, jobmanager, taskmanager, list or cancel.",
      );
      expect(usageError('help', 'start').message).to.match(/Unknown command 'start'/);
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

    it('rejects an option without its value, also when another option follows', () => {
      expect(usageError('run', 'tasks.js', '--tasks').message).to.equal('--tasks needs a value.');
      expect(usageError('run', 'tasks.js', '--tasks', '--slots', '2').message).to.equal(
        '--tasks needs a value.',
      );
      expect(usageError('list', '--jobmanager').message).to.equal('--jobmanager needs a value.');
    });

    it('reads a module whose name starts with a dash after --', () => {
      writeFileSync(join(dir, '-dash.js'), 'export default () => 1;\n');
      expect(parseRun('run', '--tasks', '2', '--', '-dash.js')).to.include({
        module: pathToFileURL(join(dir, '-dash.js')).href,
        tasks: 2,
      });
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
        const message = `${flag} must be a whole number ≥ ${flag.startsWith('--restart') ? 0 : 1}, got '${value}'.`;
        expect(usageError('run', 'tasks.js', `${flag}=${value}`).message).to.equal(message);
        expect(usageError('run', 'tasks.js', flag, value).message).to.equal(message);
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

  describe('the numbers of every command', () => {
    // The issue: `--tasks -3` once read -3 as an option and printed another error than `--tasks=-3`.
    const cases: readonly (readonly [CliCommandName, readonly string[], string, string])[] = [
      ['run', ['tasks.js'], '--tasks', 'a whole number ≥ 1'],
      ['run', ['tasks.js'], '--task-executors', 'a whole number ≥ 1'],
      ['run', ['tasks.js'], '--slots', 'a whole number ≥ 1'],
      ['run', ['tasks.js'], '--restart-attempts', 'a whole number ≥ 0'],
      ['run', ['tasks.js'], '--restart-delay', 'a whole number ≥ 0'],
      ['jobmanager', [], '--port', 'a whole number from 0 to 65535'],
      ['jobmanager', [], '--rest-port', 'a whole number from 0 to 65535'],
      ['taskmanager', ['--jobmanager', 'jm:6123'], '--task-executors', 'a whole number ≥ 1'],
      ['taskmanager', ['--jobmanager', 'jm:6123'], '--slots', 'a whole number ≥ 1'],
    ];
    for (const [command, rest, flag, rule] of cases) {
      it(`print the same line for ${command} ${flag} -3 and ${flag}=-3`, () => {
        const message = `${flag} must be ${rule}, got '-3'.`;
        expect(usageError(command, ...rest, flag, '-3').message).to.equal(message);
        expect(usageError(command, ...rest, `${flag}=-3`).message).to.equal(message);
      });
    }

    it('refuse ports past 65535 and numbers in other forms', () => {
      expect(usageError('jobmanager', '--port', '65536').message).to.equal(
        "--port must be a whole number from 0 to 65535, got '65536'.",
      );
      expect(usageError('jobmanager', '--rest-port', '0x50').message).to.match(/got '0x50'/);
    });
  });

  describe('jobmanager', () => {
    it('listens on 127.0.0.1:6123 with REST on 8081 by default, as Flink does', () => {
      expect(parse('jobmanager')).to.deep.equal({
        kind: 'jobmanager',
        host: '127.0.0.1',
        port: 6123,
        restPort: 8081,
        configuration: kNoClusterConfiguration,
      });
    });

    it('takes its host and ports from flags, into the configuration too', () => {
      expect(parse('jobmanager', '--host', '10.0.0.5', '--port', '7000', '--rest-port', '0')).to.deep.equal({
        kind: 'jobmanager',
        host: '10.0.0.5',
        port: 7000,
        restPort: 0,
        configuration: {
          ...kNoClusterConfiguration,
          values: { 'jobmanager.rpc.address': '10.0.0.5', 'jobmanager.rpc.port': 7000, 'rest.port': 0 },
        },
      });
      expect(parse('jobmanager', '--host', '[::1]', '--port', '0')).to.include({ host: '::1', port: 0 });
    });

    it('refuses a host that is no host, or that others cannot dial', () => {
      expect(usageError('jobmanager', '--host', 'a b').message).to.equal(
        "--host: 'a b' is not a host name or IP address.",
      );
      expect(usageError('jobmanager', '--host', '0.0.0.0').message).to.match(
        /^--host 0\.0\.0\.0 is every interface, not an address others can dial/,
      );
    });

    it("refuses arguments and another command's options", () => {
      expect(usageError('jobmanager', 'extra').message).to.equal("Unexpected argument 'extra'.");
      expect(usageError('jobmanager', '--tasks', '3').message).to.equal("Unknown option '--tasks'.");
    });
  });

  describe('taskmanager', () => {
    it('joins the JobManager of --jobmanager with one TaskExecutor of one slot on 127.0.0.1 by default', () => {
      expect(parse('taskmanager', '--jobmanager', 'jm.example.com:6123')).to.deep.equal({
        kind: 'taskmanager',
        jobManager: { host: 'jm.example.com', port: 6123 },
        taskExecutors: 1,
        slots: 1,
        host: '127.0.0.1',
        configuration: {
          ...kNoClusterConfiguration,
          values: { 'jobmanager.rpc.address': 'jm.example.com', 'jobmanager.rpc.port': 6123 },
        },
      });
    });

    it('reads every option', () => {
      const command = parse(
        'taskmanager',
        '--jobmanager=[::1]:7000',
        '--task-executors',
        '4',
        '--slots',
        '2',
        '--host',
        '10.0.0.7',
      );
      expect(command).to.deep.include({
        jobManager: { host: '::1', port: 7000 },
        taskExecutors: 4,
        slots: 2,
        host: '10.0.0.7',
      });
      expect(command).to.have.nested.property('configuration.values').that.deep.equals({
        'taskmanager.task-executors': 4,
        'taskmanager.numberOfTaskSlots': 2,
        'taskmanager.host': '10.0.0.7',
        'jobmanager.rpc.address': '::1',
        'jobmanager.rpc.port': 7000,
      });
    });

    it('needs --jobmanager when no config file names the JobManager', () => {
      expect(usageError('taskmanager', '--slots', '2').message).to.equal(
        'taskmanager needs --jobmanager HOST:PORT, or jobmanager.rpc.address in a --config file.',
      );
    });

    it('refuses a --jobmanager that is not HOST:PORT', () => {
      for (const [value, message] of [
        ['jm', "expected HOST:PORT, got 'jm'"],
        ['jm:0', "the port must be a whole number from 1 to 65535, got '0'"],
        ['jm:65536', "the port must be a whole number from 1 to 65535, got '65536'"],
        ['jm:-3', "the port must be a whole number from 1 to 65535, got '-3'"],
        ['::1:6123', "expected HOST:PORT with an IPv6 host in brackets, as in '[::1]:6123', got '::1:6123'"],
        ['bad host:1', "'bad host' is not a host name or IP address"],
      ] as const) {
        expect(usageError('taskmanager', '--jobmanager', value).message, value).to.equal(
          `--jobmanager: ${message}.`,
        );
      }
    });
  });

  describe('run --jobmanager', () => {
    it('submits to that cluster instead of an embedded one', () => {
      const command = parseRun('run', 'tasks.js', '--tasks', '4', '--jobmanager', '10.0.0.5:6123');
      expect(command).to.deep.include({ tasks: 4, jobManager: { host: '10.0.0.5', port: 6123 } });
      expect(command.configuration.values).to.deep.equal({
        'jobmanager.rpc.address': '10.0.0.5',
        'jobmanager.rpc.port': 6123,
      });
    });

    it("refuses options that size the embedded cluster, since that cluster's TaskManagers are its own", () => {
      expect(usageError('run', 'tasks.js', '--jobmanager', 'jm:1', '--slots', '2').message).to.equal(
        '--slots sizes the embedded cluster; the cluster at --jobmanager has its own.',
      );
      expect(usageError('run', 'tasks.js', '--jobmanager', 'jm:1', '--task-executors', '2').message).to.match(
        /^--task-executors sizes the embedded cluster/,
      );
    });
  });

  describe('run --dashboard', () => {
    it('serves the embedded cluster, and is refused with --jobmanager', () => {
      expect(parseRun('run', 'tasks.js', '--dashboard')).to.include({
        dashboard: true,
        jobManager: undefined,
      });
      expect(usageError('run', 'tasks.js', '--dashboard', '--jobmanager', 'jm:1').message).to.equal(
        '--dashboard serves the embedded cluster; the cluster at --jobmanager serves its own.',
      );
    });
  });

  describe('list and cancel', () => {
    it('go to the REST API with --rest HOST:PORT, not together with --jobmanager', () => {
      expect(parse('list', '--rest', 'jm:8081')).to.deep.equal({
        kind: 'list',
        rest: { host: 'jm', port: 8081 },
        configuration: kNoClusterConfiguration,
      });
      expect(parse('cancel', 'nightly_run-7', '--rest', '[::1]:8081')).to.deep.include({
        kind: 'cancel',
        jobId: 'nightly_run-7',
        rest: { host: '::1', port: 8081 },
      });
      expect(usageError('list', '--rest', 'jm:1', '--jobmanager', 'jm:2').message).to.equal(
        'list takes --jobmanager or --rest, not both.',
      );
      expect(usageError('cancel', 'a', '--rest', 'jm').message).to.match(/^--rest: /);
    });

    it('list the jobs of the cluster at --jobmanager', () => {
      expect(parse('list', '--jobmanager', 'jm:6123')).to.deep.equal({
        kind: 'list',
        jobManager: { host: 'jm', port: 6123 },
        configuration: {
          ...kNoClusterConfiguration,
          values: { 'jobmanager.rpc.address': 'jm', 'jobmanager.rpc.port': 6123 },
        },
      });
      expect(usageError('list').message).to.equal(
        'list needs --jobmanager HOST:PORT, or jobmanager.rpc.address in a --config file.',
      );
      expect(usageError('list', 'extra', '--jobmanager', 'jm:1').message).to.equal(
        "Unexpected argument 'extra'.",
      );
    });

    it('cancel a job by its id, lower-casing the 32 hex digits that JobIDs are', () => {
      expect(parse('cancel', 'ABCDEF0123456789ABCDEF0123456789', '--jobmanager', 'jm:6123')).to.deep.include({
        kind: 'cancel',
        jobId: 'abcdef0123456789abcdef0123456789',
        jobManager: { host: 'jm', port: 6123 },
      });
      expect(parse('cancel', '--jobmanager', 'jm:6123', 'nightly_run-7')).to.include({
        jobId: 'nightly_run-7',
      });
    });

    it('refuse a missing, malformed or second job id, and a missing --jobmanager', () => {
      expect(usageError('cancel', '--jobmanager', 'jm:1').message).to.equal(
        'Missing <JOBID>: `threadlink cancel <JOBID>`.',
      );
      expect(usageError('cancel', 'a/b', '--jobmanager', 'jm:1').message).to.equal(
        "<JOBID> must be 32 hex digits, or 1 to 128 letters, digits, '_' or '-', got 'a/b'.",
      );
      expect(usageError('cancel', 'x'.repeat(129), '--jobmanager', 'jm:1').message).to.match(
        /^<JOBID> must be/,
      );
      expect(usageError('cancel', 'a', 'b', '--jobmanager', 'jm:1').message).to.equal(
        "Unexpected argument 'b' after <JOBID>.",
      );
      expect(usageError('cancel', 'a').message).to.match(/^cancel needs --jobmanager HOST:PORT/);
    });
  });

  describe('help texts', () => {
    const kFlags: Readonly<Record<CliCommandName, readonly string[]>> = {
      run: [
        '--export',
        '--tasks',
        '--task-executors',
        '--slots',
        '--args',
        '--restart-attempts',
        '--restart-delay',
        '--dashboard',
        '--jobmanager',
        '--config',
        '--help',
      ],
      jobmanager: ['--host', '--port', '--rest-port', '--config', '--help'],
      taskmanager: ['--jobmanager', '--task-executors', '--slots', '--host', '--config', '--help'],
      list: ['--jobmanager', '--rest', '--config', '--help'],
      cancel: ['--jobmanager', '--rest', '--config', '--help'],
    };

    it('list every command, run first, as `threadlink --help` has always begun', () => {
      expect(kUsage).to.match(/^Usage: threadlink run <module>/);
      expect(usageOf()).to.equal(kUsage);
      for (const command of Object.keys(kFlags)) expect(kUsage).to.include(`threadlink ${command} `);
    });

    for (const [command, flags] of Object.entries(kFlags) as [CliCommandName, readonly string[]][]) {
      it(`give every option of ${command}, and each option given parses`, () => {
        const usage = usageOf(command);
        expect(usage).to.match(new RegExp(`^Usage: threadlink ${command} `));
        for (const flag of flags) expect(usage, flag).to.include(`${flag} `);
        // A flag in the text that the parser does not know would be an unknown option.
        const documented = [...usage.matchAll(/^ {2}(--[a-z-]+)/gm)].map((match) => match[1]);
        expect(documented).to.have.members(flags.filter((flag) => flag !== '--help'));
      });
    }
  });
});
