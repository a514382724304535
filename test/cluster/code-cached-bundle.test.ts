// The worker bundles' loader (workers/code-cached-bundle.cts): a thread that
// finds no usable code cache compiles and writes one once the bundle has
// warmed up (or started, if it says nothing about warming up), the next thread
// takes it, and a cache that is corrupt, stale or turned off never changes what
// runs. Each load is a fresh worker thread, a
// fresh V8 isolate, as each TaskExecutor's is.

import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';

const kRunner = fileURLToPath(new URL('../fixtures/code-cached-bundle-runner.cjs', import.meta.url));

interface Outcome {
  cache: 'hit' | 'miss' | 'off';
  value: unknown;
}

/** never: a `warmedUp` that does not settle; later: one that settles a turn after `started`. */
type WarmUp = 'none' | 'never' | 'later';

function bundleSource(value: number, warmUp: WarmUp = 'none'): string {
  // Long enough that V8's code cache has something to hold, and a function the run compiles lazily.
  const padding = Array.from({ length: 200 }, (_, i) => `function unused${i}() { return ${i}; }`).join('\n');
  const warmedUp = {
    none: '',
    never: 'exports.warmedUp = new Promise(() => {});\n',
    later:
      'exports.warmedUp = exports.started.then(() => new Promise((resolve) => setImmediate(resolve)));\n',
  }[warmUp];
  return `"use strict";\n${padding}\nfunction answer() { return ${value}; }\nexports.value = answer();\nexports.started = Promise.resolve();\n${warmedUp}`;
}

describe('the code-cached bundle loader', () => {
  let dir: string;
  let cacheDir: string;
  let bundle: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'threadlink-code-cache-test-'));
    cacheDir = join(dir, 'cache');
    bundle = join(dir, 'bundle.cjs');
    writeFileSync(bundle, bundleSource(41));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The cache files of the last load once its bundle had started. */
  let filesAtStarted: string[] = [];

  async function load(cacheDirSetting = cacheDir, waitFor?: 'warmedUp'): Promise<Outcome> {
    const worker = new Worker(kRunner, {
      workerData: { bundle, waitFor },
      env: { ...process.env, THREADLINK_CODE_CACHE_DIR: cacheDirSetting },
    });
    // Both listeners go on now: a worker that posts and ends at once has its last
    // message and its 'exit' emitted in one go, before a later once() could catch the exit.
    const [[report]] = (await Promise.all([once(worker, 'message'), once(worker, 'exit')])) as [
      [Outcome & { filesAtStarted: string[] }],
      unknown,
    ];
    filesAtStarted = report.filesAtStarted;
    return { cache: report.cache, value: report.value };
  }

  const cacheFiles = (): string[] => readdirSync(cacheDir);

  it('compiles on the first load and writes one cache file, which the next thread takes', async () => {
    expect(await load()).to.deep.equal({ cache: 'miss', value: 41 });
    expect(cacheFiles()).to.have.length(1);
    expect(cacheFiles()[0]).to.match(/^bundle-[0-9a-f]{8}\.v8cache$/);
    expect(await load()).to.deep.equal({ cache: 'hit', value: 41 });
    expect(cacheFiles(), 'no partial file is left beside it').to.have.length(1);
  });

  it('compiles past a corrupt cache file, runs the bundle as it is, and writes a good one', async () => {
    await load();
    const [file] = cacheFiles();
    writeFileSync(join(cacheDir, file!), Buffer.alloc(4096, 7));
    expect(await load()).to.deep.equal({ cache: 'miss', value: 41 });
    expect(await load()).to.deep.equal({ cache: 'hit', value: 41 });
  });

  it('never runs a rebuilt bundle from the old build cache, even at the same length', async () => {
    await load();
    // V8 checks a cache against the source's length only: the loader's key must tell the builds apart.
    writeFileSync(bundle, bundleSource(42));
    utimesSync(bundle, new Date(), new Date(Date.now() + 60_000));
    expect(await load()).to.deep.equal({ cache: 'miss', value: 42 });
    expect(await load()).to.deep.equal({ cache: 'hit', value: 42 });
  });

  it('writes the cache once the bundle has warmed up, not when it has started', async () => {
    writeFileSync(bundle, bundleSource(43, 'later'));
    expect(await load(cacheDir, 'warmedUp')).to.deep.equal({ cache: 'miss', value: 43 });
    expect(filesAtStarted, 'no cache yet when the bundle had only started').to.deep.equal([]);
    expect(cacheFiles()).to.have.length(1);
    expect(await load(cacheDir, 'warmedUp')).to.deep.equal({ cache: 'hit', value: 43 });
  });

  it('writes no cache for a bundle that never warms up, so the next thread compiles again', async () => {
    writeFileSync(bundle, bundleSource(44, 'never'));
    // The runner reports once `started` has settled, when a cache written then would exist.
    expect(await load()).to.deep.equal({ cache: 'miss', value: 44 });
    expect(existsSync(cacheDir) ? cacheFiles() : []).to.deep.equal([]);
    expect(await load()).to.deep.equal({ cache: 'miss', value: 44 });
  });

  it("keeps the newest four of a bundle's cache files when it writes one, and no other bundle's; removes stale partial files", async () => {
    mkdirSync(cacheDir, { recursive: true });
    const old = ['00000001', '00000002', '00000003', '00000004', '00000005'].map((hash, i) => {
      const file = join(cacheDir, `bundle-${hash}.v8cache`);
      writeFileSync(file, 'an older build');
      utimesSync(file, new Date(), new Date(Date.now() - (10 - i) * 60_000));
      return `bundle-${hash}.v8cache`;
    });
    writeFileSync(join(cacheDir, 'other-00000001.v8cache'), 'another bundle');
    utimesSync(join(cacheDir, 'other-00000001.v8cache'), new Date(), new Date(0));
    // A thread that ended while it wrote left the first; the second may be another's write in progress.
    writeFileSync(join(cacheDir, 'bundle-00000009.v8cache.123-4.tmp'), 'half');
    utimesSync(
      join(cacheDir, 'bundle-00000009.v8cache.123-4.tmp'),
      new Date(),
      new Date(Date.now() - 600_000),
    );
    writeFileSync(join(cacheDir, 'bundle-00000009.v8cache.123-5.tmp'), 'being written');

    expect(await load()).to.deep.equal({ cache: 'miss', value: 41 });
    const written = cacheFiles().filter(
      (name) => name.startsWith('bundle-') && name.endsWith('.v8cache') && !old.includes(name),
    );
    expect(written).to.have.length(1);
    expect(cacheFiles().sort()).to.deep.equal(
      [...old.slice(2), written[0]!, 'bundle-00000009.v8cache.123-5.tmp', 'other-00000001.v8cache'].sort(),
    );
  });

  it('reads and writes nothing when THREADLINK_CODE_CACHE_DIR is off', async () => {
    expect(await load('off')).to.deep.equal({ cache: 'off', value: 41 });
    expect(await load('off')).to.deep.equal({ cache: 'off', value: 41 });
    expect(readdirSync(dir)).to.deep.equal(['bundle.cjs']);
  });
});
