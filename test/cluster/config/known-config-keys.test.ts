// The registry of keys threadlink reads must hold every ConfigOption declared
// anywhere in src/ (found two ways: the exports of every *-options module, and
// every option factory called with a literal key), and the README must list them.

import { expect } from 'chai';

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import {
  kKnownConfigOptions,
  knownConfigKeys,
  lookupConfigKey,
  nearestConfigKey,
} from '../../../src/cluster/config/known-config-keys.js';
import type { ConfigOption } from '../../../src/runtime/configuration/config-option.js';

/** The compiled src/ next to this compiled test. */
const kCompiledSrc = fileURLToPath(new URL('../../../src/', import.meta.url));

/** The repository (where package.json is), for the TypeScript sources and the README. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the test');
    dir = parent;
  }
  return dir;
}

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

function isConfigOption(value: unknown): value is ConfigOption<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { key?: unknown }).key === 'string' &&
    typeof (value as { convert?: unknown }).convert === 'function' &&
    Array.isArray((value as { deprecatedKeys?: unknown }).deprecatedKeys)
  );
}

describe('the known configuration keys', () => {
  it('hold every ConfigOption exported by a *-options module, with its deprecated keys', async () => {
    const declared: ConfigOption<unknown>[] = [];
    for (const file of filesUnder(kCompiledSrc, '-options.js')) {
      const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const value of Object.values(exports)) {
        if (isConfigOption(value)) declared.push(value);
        else if (typeof value === 'object' && value !== null) {
          declared.push(...Object.values(value).filter(isConfigOption));
        }
      }
    }
    // A search that finds nothing would make the check pass.
    expect(declared.length).to.be.greaterThan(40);
    const missing = declared
      .flatMap((option) => [option.key, ...option.deprecatedKeys])
      .filter((key) => lookupConfigKey(key) === undefined);
    expect(missing).to.deep.equal([]);
    for (const option of declared) expect(lookupConfigKey(option.key)?.option, option.key).to.equal(option);
  });

  it('hold every key passed as a literal to an option factory anywhere in src/', () => {
    const root = repositoryRoot();
    const keys = filesUnder(join(root, 'src'), '.ts').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\b[a-z][A-Za-z]*Option\(\s*'([a-z][\w.-]*)'/g)].map(
        (match) => match[1]!,
      ),
    );
    expect(keys.length).to.be.greaterThan(30);
    expect(keys.filter((key) => lookupConfigKey(key) === undefined)).to.deep.equal([]);
  });

  it("include the keys the processes read outside the runtime's options", () => {
    for (const key of [
      'jobmanager.rpc.address',
      'jobmanager.rpc.port',
      'taskmanager.host',
      'taskmanager.task-executors',
      'rest.port',
      'rest.address',
      'rest.bind-address',
      'metrics.reporter.prom.port',
      'security.ssl.internal.enabled',
      'security.ssl.internal.key',
      'security.ssl.internal.cert',
      'security.ssl.internal.trust-cert',
      'security.ssl.verify-hostname',
      'security.ssl.rest.enabled',
      'security.ssl.rest.key',
      'security.ssl.rest.cert',
      'security.ssl.rest.trust-cert',
    ]) {
      expect(lookupConfigKey(key), key).to.include({ key, replacedBy: undefined });
    }
  });

  it('map a deprecated key to its option and its current key', () => {
    const entry = lookupConfigKey('recovery.zookeeper.quorum');
    expect(entry?.replacedBy).to.equal('high-availability.zookeeper.quorum');
    expect(entry?.option.key).to.equal('high-availability.zookeeper.quorum');
    expect(lookupConfigKey('parallelism.default')).to.equal(undefined);
  });

  it('suggest only current keys for a typo', () => {
    expect(nearestConfigKey('heartbeat.intervall')).to.equal('heartbeat.interval');
    expect(nearestConfigKey('akka.ask.timeot')).to.equal(undefined);
    expect(nearestConfigKey('state.backend.type')).to.equal(undefined);
  });

  it('are listed, every current key, in the README', () => {
    const readme = readFileSync(join(repositoryRoot(), 'README.md'), 'utf8');
    const section = /\n### Configuration\n([\s\S]*?)\n##/.exec(readme)?.[1] ?? '';
    expect(section, 'a ### Configuration section').not.to.equal('');
    const unlisted = kKnownConfigOptions
      .map(({ key }) => key)
      .filter((key) => !section.includes(`\`${key}\``));
    expect(unlisted).to.deep.equal([]);
    expect(knownConfigKeys()).to.include('akka.ask.timeout');
  });
});
