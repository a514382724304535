// The commands with a --config file: flags override the file, the file overrides
// the defaults (Flink: GlobalConfiguration plus dynamic properties), the file may
// name the JobManager, and a bad file is a usage error that names it.

import { expect } from 'chai';

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  CliUsageError,
  ConfigFileError,
  parseCommandLine,
  type CliCommand,
} from '../../../src/cluster/cli-arguments.js';

describe('the command line with a --config file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'threadlink-cli-config-'));
    writeFileSync(join(dir, 'tasks.js'), 'export default (i) => i;\n');
    write('cluster.yaml', [
      '# Flink 1.19 style',
      'jobmanager:',
      '  rpc:',
      '    address: 10.0.0.5',
      '    port: 7000',
      'rest:',
      '  port: 9090',
      'taskmanager:',
      '  host: 10.0.0.7',
      '  numberOfTaskSlots: 3',
      '  task-executors: 2',
      'heartbeat.timeout: 60 s',
      'state.backend.type: rocksdb',
    ]);
    write('flink-conf.yaml', [
      'jobmanager.rpc.address: jm.example.com',
      'taskmanager.numberOfTaskSlots: -1',
      'heartbeat.timout: 5 s',
    ]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, lines: readonly string[]): void {
    writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  }
  const parse = (...argv: string[]): CliCommand => parseCommandLine(argv, { cwd: dir });
  const parseAs = <K extends CliCommand['kind']>(kind: K, ...argv: string[]) => {
    const command = parse(...argv);
    expect(command.kind).to.equal(kind);
    return command as Extract<CliCommand, { kind: K }>;
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

  describe('jobmanager', () => {
    it("takes its host and ports from the file's keys", () => {
      expect(parseAs('jobmanager', 'jobmanager', '--config', 'cluster.yaml')).to.deep.include({
        host: '10.0.0.5',
        port: 7000,
        restPort: 9090,
      });
    });

    it('lets each flag win over the file, and says so in the configuration', () => {
      const command = parseAs('jobmanager', 'jobmanager', '--config', 'cluster.yaml', '--port', '7100');
      expect(command).to.deep.include({ host: '10.0.0.5', port: 7100, restPort: 9090 });
      expect(command.configuration.values).to.include({
        'jobmanager.rpc.address': '10.0.0.5',
        'jobmanager.rpc.port': 7100,
        'rest.port': 9090,
        'heartbeat.timeout': '60 s',
        'state.backend.type': 'rocksdb',
      });
    });

    it('returns the warnings about the file with the command', () => {
      const { configuration } = parseAs('jobmanager', 'jobmanager', '--config', 'cluster.yaml');
      expect(configuration.file).to.equal('cluster.yaml');
      expect(configuration.warnings.map(({ message }) => message)).to.deep.equal([
        'cluster.yaml:13: unknown key state.backend.type; threadlink does not read it.',
      ]);
    });
  });

  describe('taskmanager', () => {
    it('finds the JobManager, its host, TaskExecutors and slots in the file', () => {
      expect(parseAs('taskmanager', 'taskmanager', '--config', 'cluster.yaml')).to.deep.include({
        jobManager: { host: '10.0.0.5', port: 7000 },
        taskExecutors: 2,
        slots: 3,
        host: '10.0.0.7',
      });
    });

    it('lets every flag win over the file', () => {
      const command = parseAs(
        'taskmanager',
        'taskmanager',
        '--config',
        'cluster.yaml',
        '--jobmanager',
        'other:6123',
        '--task-executors',
        '5',
        '--slots',
        '1',
        '--host',
        '10.0.0.8',
      );
      expect(command).to.deep.include({
        jobManager: { host: 'other', port: 6123 },
        taskExecutors: 5,
        slots: 1,
        host: '10.0.0.8',
      });
      expect(command.configuration.values).to.include({
        'jobmanager.rpc.address': 'other',
        'jobmanager.rpc.port': 6123,
        'taskmanager.numberOfTaskSlots': 1,
        'taskmanager.task-executors': 5,
        'taskmanager.host': '10.0.0.8',
      });
    });

    it('dials the default port 6123 when a flat flink-conf.yaml names only the address, and reads -1 slots as 1', () => {
      const command = parseAs('taskmanager', 'taskmanager', '--config', 'flink-conf.yaml');
      expect(command).to.deep.include({ jobManager: { host: 'jm.example.com', port: 6123 }, slots: 1 });
      expect(command.configuration.warnings.map(({ message }) => message)).to.deep.equal([
        'flink-conf.yaml:3: unknown key heartbeat.timout (did you mean heartbeat.timeout?)',
      ]);
    });

    it('still needs --jobmanager when the file does not name the JobManager', () => {
      write('no-jm.yaml', ['taskmanager.numberOfTaskSlots: 2']);
      expect(usageError('taskmanager', '--config', 'no-jm.yaml').message).to.equal(
        'taskmanager needs --jobmanager HOST:PORT, or jobmanager.rpc.address in a --config file.',
      );
    });

    it('refuses a JobManager port of 0 from the file, which cannot be dialed', () => {
      write('port-zero.yaml', ['jobmanager.rpc.address: jm', 'jobmanager.rpc.port: 0']);
      expect(usageError('list', '--config', 'port-zero.yaml').message).to.equal(
        'port-zero.yaml: jobmanager.rpc.port 0 cannot be dialed; give --jobmanager HOST:PORT.',
      );
    });

    it("refuses the file's wildcard host, naming the key", () => {
      write('wildcard.yaml', ['taskmanager.host: 0.0.0.0']);
      expect(usageError('taskmanager', '--jobmanager', 'jm:1', '--config', 'wildcard.yaml').message).to.match(
        /^taskmanager\.host 0\.0\.0\.0 is every interface/,
      );
    });
  });

  describe('run', () => {
    it('sizes the embedded cluster from the file, and the flags win over it', () => {
      expect(parseAs('run', 'run', 'tasks.js', '--config', 'cluster.yaml')).to.deep.include({
        taskExecutors: 2,
        slotsPerTaskExecutor: 3,
        jobManager: undefined,
      });
      expect(parseAs('run', 'run', 'tasks.js', '--config', 'cluster.yaml', '--slots', '1')).to.deep.include({
        taskExecutors: 2,
        slotsPerTaskExecutor: 1,
      });
    });

    it('stays embedded with a file that names a JobManager: only --jobmanager submits elsewhere', () => {
      expect(parseAs('run', 'run', 'tasks.js', '--config', 'cluster.yaml').jobManager).to.equal(undefined);
      expect(
        parseAs('run', 'run', 'tasks.js', '--config', 'cluster.yaml', '--jobmanager', '10.0.0.5:7000')
          .jobManager,
      ).to.deep.equal({ host: '10.0.0.5', port: 7000 });
    });
  });

  describe('list and cancel', () => {
    it('find the JobManager in the file, or take --jobmanager over it', () => {
      expect(parseAs('list', 'list', '--config', 'cluster.yaml').jobManager).to.deep.equal({
        host: '10.0.0.5',
        port: 7000,
      });
      expect(
        parseAs('cancel', 'cancel', 'job-1', '--config', 'cluster.yaml', '--jobmanager', 'jm:6123')
          .jobManager,
      ).to.deep.equal({ host: 'jm', port: 6123 });
    });
  });

  describe('a bad file', () => {
    it('is a usage error that names the file, the line and the key', () => {
      write('bad.yaml', ['jobmanager:', '  rpc:', '    port: soon']);
      const error = usageError('jobmanager', '--config', 'bad.yaml');
      expect(error).to.be.instanceOf(ConfigFileError);
      expect(error.code).to.equal('ERR_CLI_CONFIG_FILE');
      expect(error.message).to.equal('bad.yaml:3: jobmanager.rpc.port: "soon" is not an integer.');
    });

    it('is named when it is missing, for every command', () => {
      for (const argv of [
        ['run', 'tasks.js'],
        ['jobmanager'],
        ['taskmanager', '--jobmanager', 'jm:1'],
        ['list', '--jobmanager', 'jm:1'],
        ['cancel', 'job-1', '--jobmanager', 'jm:1'],
      ]) {
        expect(usageError(...argv, '--config', 'missing.yaml').message, argv[0]).to.equal(
          'missing.yaml: no such config file.',
        );
      }
    });

    it('comes after the flags: a bad flag is reported first', () => {
      expect(usageError('taskmanager', '--slots', 'x', '--config', 'missing.yaml').message).to.equal(
        "--slots must be a whole number ≥ 1, got 'x'.",
      );
    });
  });
});
