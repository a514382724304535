// Loading a --config file (Flink's GlobalConfiguration.loadConfiguration): a bad
// value of a known key stops with one line naming the file, line and key; an
// unknown key is a warning with the nearest known key; flags go on top.

import { expect } from 'chai';

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CliUsageError, ConfigFileError } from '../../../src/cluster/config/cli-usage-error.js';
import {
  kNoClusterConfiguration,
  loadClusterConfiguration,
  withOverrides,
} from '../../../src/cluster/config/cluster-configuration.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { HeartbeatManagerOptions } from '../../../src/runtime/configuration/heartbeat-manager-options.js';

describe('loadClusterConfiguration', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'threadlink-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, lines: readonly string[]): string => {
    writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
    return name;
  };
  const load = (file: string) => loadClusterConfiguration(file, { cwd: dir });
  const loadError = (file: string): ConfigFileError => {
    try {
      load(file);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigFileError);
      expect(error).to.be.instanceOf(CliUsageError); // so a caller that exits 2 on usage errors does here too
      return error as ConfigFileError;
    }
    throw new Error(`expected a ConfigFileError for ${file}`);
  };

  it('is empty without a file', () => {
    expect(loadClusterConfiguration(undefined)).to.equal(kNoClusterConfiguration);
    expect(kNoClusterConfiguration).to.deep.equal({ file: undefined, values: {}, warnings: [] });
  });

  it('reads the keys of a file, relative to the working directory, ready for a Configuration', () => {
    const file = write('config.yaml', ['heartbeat:', '  interval: 1 s', '  timeout: 5 s', 'rest.port: 0']);
    const configuration = load(file);
    expect(configuration).to.deep.equal({
      file: 'config.yaml',
      values: { 'heartbeat.interval': '1 s', 'heartbeat.timeout': '5 s', 'rest.port': 0 },
      warnings: [],
    });
    const conf = new Configuration(configuration.values);
    expect(conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT)).to.equal(5000);
  });

  it("stops at a known key's bad value with one line naming the file, line and key", () => {
    const file = write('bad-duration.yaml', ['jobmanager.rpc.port: 6123', 'heartbeat.timeout: "soon"']);
    const error = loadError(file);
    expect(error.code).to.equal('ERR_CLI_CONFIG_FILE');
    expect(error).to.include({ file, problem: 'invalid-value', line: 2, key: 'heartbeat.timeout' });
    expect(error.message).to.equal(
      "bad-duration.yaml:2: heartbeat.timeout: 'soon' is not a duration: expected a number followed by an optional unit.",
    );
  });

  it("checks each kind of value with the option's own convert", () => {
    for (const [line, message] of [
      ['taskmanager.numberOfTaskSlots: two', '"two" is not an integer.'],
      ['security.ssl.internal.enabled: yes', '"yes" is not a boolean.'],
      [
        'blob.max-size: 12 parsecs',
        "'parsecs' in '12 parsecs' is not a memory unit; use one of b, kb, mb, gb, tb.",
      ],
      ['jobmanager.rpc.port: 70000', "the port must be a whole number from 0 to 65535, got '70000'."],
      ['jobmanager.rpc.address: not a host', "'not a host' is not a host name or IP address."],
      ['taskmanager.task-executors: 0', '0 is not a whole number ≥ 1.'],
      [
        'metrics.reporter.prom.port: 9260-9250',
        "'9260-9250' is not a port or a port range such as 9250-9260.",
      ],
    ] as const) {
      const file = write('one-key.yaml', [line]);
      expect(loadError(file).message, line).to.equal(`one-key.yaml:1: ${line.split(':')[0]}: ${message}`);
    }
  });

  it("runs the runtime's own checks of the settings, naming the key they blame", () => {
    const file = write('settings.yaml', ['heartbeat.interval: 10 s', 'heartbeat.timeout: 1 s']);
    const error = loadError(file);
    expect(error).to.include({ line: 2, key: 'heartbeat.timeout' });
    expect(error.message).to.match(
      /^settings\.yaml:2: Invalid configuration value for heartbeat\.timeout : 1000 - /,
    );
    expect(loadError(write('slots.yaml', ['taskmanager.numberOfTaskSlots: 0'])).message).to.match(
      /^slots\.yaml:1: .*Number of task slots must be at least one/,
    );
    expect(loadError(write('zk.yaml', ['high-availability.type: zookeeper'])).message).to.match(
      /^zk\.yaml: No valid ZooKeeper quorum has been specified/,
    );
  });

  it('accepts -1 slots, as found in old Flink configs', () => {
    expect(load(write('minus-one.yaml', ['taskmanager.numberOfTaskSlots: -1'])).values).to.deep.equal({
      'taskmanager.numberOfTaskSlots': -1,
    });
  });

  it('warns about an unknown key, naming the nearest known one, and keeps it', () => {
    const file = write('typo.yaml', [
      'heartbeat.timout: 5 s',
      'taskmanager.memory.process.size: 1728m',
      'jobmanager.rpc.adress: 10.0.0.5',
    ]);
    const configuration = load(file);
    expect(configuration.values).to.deep.equal({
      'heartbeat.timout': '5 s',
      'taskmanager.memory.process.size': '1728m',
      'jobmanager.rpc.adress': '10.0.0.5',
    });
    expect(configuration.warnings.map(({ kind, key, message }) => ({ kind, key, message }))).to.deep.equal([
      {
        kind: 'unknown-key',
        key: 'heartbeat.timout',
        message: 'typo.yaml:1: unknown key heartbeat.timout (did you mean heartbeat.timeout?)',
      },
      {
        kind: 'unknown-key',
        key: 'taskmanager.memory.process.size',
        message: 'typo.yaml:2: unknown key taskmanager.memory.process.size; threadlink does not read it.',
      },
      {
        kind: 'unknown-key',
        key: 'jobmanager.rpc.adress',
        message: 'typo.yaml:3: unknown key jobmanager.rpc.adress (did you mean jobmanager.rpc.address?)',
      },
    ]);
  });

  it('accepts a deprecated key with a warning that names its replacement', () => {
    const configuration = load(write('old.yaml', ['akka.ask.timeout: 20 s', 'high-availability: NONE']));
    expect(configuration.warnings.map(({ kind, message }) => ({ kind, message }))).to.deep.equal([
      { kind: 'deprecated-key', message: 'old.yaml:1: akka.ask.timeout is deprecated; use rpc.ask-timeout.' },
      {
        kind: 'deprecated-key',
        message: 'old.yaml:2: high-availability is deprecated; use high-availability.type.',
      },
    ]);
  });

  it('lists the warnings in file order, whichever step found them', () => {
    const configuration = load(write('order.yaml', ['zzz: 1', 'empty:', 'recovery.mode: NONE', 'zzz: 2']));
    expect(configuration.warnings.map(({ line, kind }) => `${line} ${kind}`)).to.deep.equal([
      '2 no-value',
      '3 deprecated-key',
      '4 duplicate-key',
      '4 unknown-key',
    ]);
  });

  it('names a missing file, a directory, and an unreadable file in one line each', () => {
    const missing = loadError('no-such.yaml');
    expect(missing).to.include({ problem: 'not-found', line: undefined, key: undefined });
    expect(missing.message).to.equal('no-such.yaml: no such config file.');
    mkdirSync(join(dir, 'conf.d'));
    expect(loadError('conf.d').message).to.equal('conf.d: cannot read the config file: it is a directory.');
    // A reader that fails as an unreadable file does: a real one would not fail for root.
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    let error: ConfigFileError | undefined;
    try {
      loadClusterConfiguration('locked.yaml', {
        cwd: dir,
        readFile: () => {
          throw denied;
        },
      });
    } catch (e) {
      error = e as ConfigFileError;
    }
    expect(error).to.be.instanceOf(ConfigFileError);
    expect(error).to.include({ problem: 'unreadable', cause: denied });
    expect(error!.message).to.equal('locked.yaml: cannot read the config file: permission denied.');
  });

  it('puts flags on top of the file, leaving keys without a flag as they are', () => {
    const configuration = load(write('base.yaml', ['jobmanager.rpc.port: 7000', 'rest.port: 9000']));
    const overridden = withOverrides(configuration, { 'jobmanager.rpc.port': 7100, 'rest.port': undefined });
    expect(overridden.values).to.deep.equal({ 'jobmanager.rpc.port': 7100, 'rest.port': 9000 });
    expect(configuration.values).to.deep.equal({ 'jobmanager.rpc.port': 7000, 'rest.port': 9000 });
  });
});
