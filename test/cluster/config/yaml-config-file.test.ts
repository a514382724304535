// A config file's text into flat keys (Flink's YamlParserUtils and
// GlobalConfiguration): nested config.yaml and flat flink-conf.yaml read the same,
// every entry keeps its line, and what is not a configuration is one clear error.

import { expect } from 'chai';

import { ConfigFileError } from '../../../src/cluster/config/cli-usage-error.js';
import { parseYamlConfig } from '../../../src/cluster/config/yaml-config-file.js';

function parseError(text: string): ConfigFileError {
  try {
    parseYamlConfig(text, 'conf/config.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigFileError);
    return error as ConfigFileError;
  }
  throw new Error('expected a ConfigFileError');
}

describe('parseYamlConfig', () => {
  const values = (text: string) =>
    Object.fromEntries(parseYamlConfig(text, 'config.yaml').entries.map(({ key, value }) => [key, value]));

  it('flattens nested maps into dotted keys, as Flink 1.19 reads config.yaml', () => {
    const nested = [
      'jobmanager:',
      '  rpc:',
      '    address: 10.0.0.5',
      '    port: 6123',
      'heartbeat: {interval: 1 s, timeout: 5 s}',
      'high-availability:',
      '  type: zookeeper',
      '  zookeeper.quorum: zk1:2181',
    ].join('\n');
    expect(values(nested)).to.deep.equal({
      'jobmanager.rpc.address': '10.0.0.5',
      'jobmanager.rpc.port': 6123,
      'heartbeat.interval': '1 s',
      'heartbeat.timeout': '5 s',
      'high-availability.type': 'zookeeper',
      'high-availability.zookeeper.quorum': 'zk1:2181',
    });
  });

  it('reads a flat legacy flink-conf.yaml with comments the same way', () => {
    const flat = [
      '# Flink configuration',
      'jobmanager.rpc.address: 10.0.0.5',
      'jobmanager.rpc.port: 6123   # the RPC port',
      '',
      'taskmanager.numberOfTaskSlots: 2',
      'security.ssl.internal.enabled: true',
      'env.java.opts: -XX:+UseG1GC',
    ].join('\n');
    expect(values(flat)).to.deep.equal({
      'jobmanager.rpc.address': '10.0.0.5',
      'jobmanager.rpc.port': 6123,
      'taskmanager.numberOfTaskSlots': 2,
      'security.ssl.internal.enabled': true,
      'env.java.opts': '-XX:+UseG1GC',
    });
  });

  it('gives every entry the line of its key', () => {
    const { entries } = parseYamlConfig('# c\na:\n  b: 1\n\n  c: 2\nd: x\n', 'config.yaml');
    expect(entries).to.deep.equal([
      { key: 'a.b', value: 1, line: 3 },
      { key: 'a.c', value: 2, line: 5 },
      { key: 'd', value: 'x', line: 6 },
    ]);
  });

  it('joins a list of scalars with commas, as a ZooKeeper quorum is written', () => {
    expect(values('high-availability.zookeeper.quorum: [zk1:2181, zk2:2181]\n')).to.deep.equal({
      'high-availability.zookeeper.quorum': 'zk1:2181,zk2:2181',
    });
    expect(values('q:\n  - a\n  - 2\n  - true\n')).to.deep.equal({ q: 'a,2,true' });
  });

  it('keeps a number written in another form as its text, so a string key keeps what was written', () => {
    expect(values('high-availability.cluster-id: 0123\nv: 1.10\nn: 42\nf: 2.5\n')).to.deep.equal({
      'high-availability.cluster-id': '0123',
      v: '1.10',
      n: 42,
      f: 2.5,
    });
  });

  it('follows YAML anchors and aliases', () => {
    expect(values('a: &port 7000\nb: *port\n')).to.deep.equal({ a: 7000, b: 7000 });
  });

  it('warns about a key without a value and leaves it out, as Flink does', () => {
    const { entries, warnings } = parseYamlConfig('a:\nb: ~\nc: {}\nd: 1\n', 'config.yaml');
    expect(entries.map(({ key }) => key)).to.deep.equal(['d']);
    expect(warnings.map(({ kind, line, message }) => ({ kind, line, message }))).to.deep.equal([
      { kind: 'no-value', line: 1, message: 'config.yaml:1: a has no value; ignored.' },
      { kind: 'no-value', line: 2, message: 'config.yaml:2: b has no value; ignored.' },
      { kind: 'no-value', line: 3, message: 'config.yaml:3: c has no value; ignored.' },
    ]);
  });

  it('lets a repeated key (also flat against nested) keep its later value, with a warning', () => {
    const { entries, warnings } = parseYamlConfig(
      'heartbeat.timeout: 5 s\nheartbeat:\n  timeout: 9 s\n',
      'config.yaml',
    );
    expect(entries).to.deep.equal([{ key: 'heartbeat.timeout', value: '9 s', line: 3 }]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ kind: 'duplicate-key', line: 3, key: 'heartbeat.timeout' });
    expect(warnings[0]!.message).to.equal(
      'config.yaml:3: heartbeat.timeout is given again (first on line 1); this later value wins.',
    );
  });

  it('reads an empty file, or one of comments only, as no keys', () => {
    expect(parseYamlConfig('', 'config.yaml')).to.deep.equal({ entries: [], warnings: [] });
    expect(parseYamlConfig('# nothing here\n', 'config.yaml')).to.deep.equal({ entries: [], warnings: [] });
  });

  it('refuses text that is not YAML, naming the file and line', () => {
    const error = parseError('a: 1\nb: [1, 2\nc: 3\n');
    expect(error.code).to.equal('ERR_CLI_CONFIG_FILE');
    expect(error.problem).to.equal('syntax');
    expect(error.message).to.match(/^conf\/config\.yaml:\d+: not valid YAML: .+\.$/);
    expect(error.message).not.to.include('\n');
  });

  it('refuses a file that is a list or a single value rather than a map of keys', () => {
    const list = parseError('- a\n- b\n');
    expect(list.problem).to.equal('not-a-map');
    expect(list.message).to.equal('conf/config.yaml:1: expected a map of keys to values, found a list.');
    expect(parseError('just text\n').message).to.equal(
      'conf/config.yaml:1: expected a map of keys to values, found a single value.',
    );
  });

  it('refuses a key that is not a name', () => {
    expect(parseError('? [a, b]\n: 1\n').message).to.equal(
      'conf/config.yaml:1: expected a key name, found a list, a map or nothing.',
    );
  });
});
