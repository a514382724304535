// Runs a worker's CommonJS bundle from V8's code cache, so that a new worker
// thread deserialises the bundle's compiled functions instead of parsing and
// compiling 400-600 kB of JavaScript again. Node's module.enableCompileCache
// does this for modules on Node 22 and later only, and without the functions a
// start compiles lazily; this works on Node 20 too. A CommonJS entry also
// spares the thread Node's ESM loader, which costs a worker about 4 ms.
//
// The cache lives in os.tmpdir()/threadlink-code-cache (THREADLINK_CODE_CACHE_DIR
// moves it, `off` turns it off, empty means the default), one file per bundle
// build and per Node version, arch and V8 flags: V8 rejects a cache made under
// other flags (--expose-gc is one), and checks only the length of the source,
// so the file's identity is in the key. The first worker that finds no usable
// cache writes one once the bundle's `warmedUp` promise settles (its `started`
// if it has none), so that the cache holds what every start compiles and not
// only the top level: a TaskExecutor's registration at its ResourceManager, for
// one, which comes after start() returns and cost each new TaskExecutor thread
// 1.7 ms of compiling when the cache was written at `started`. A bundle whose
// `warmedUp` never settles is compiled on every start. It writes under a
// temporary name and renames, so that workers starting side by side never read
// half a file, and keeps the newest four files of each bundle. A cache that
// cannot be read or written only costs the compile it would save.

import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');
import workerThreads = require('node:worker_threads');

const kWrapperHead = '(function (exports, require, module, __filename, __dirname) {';

interface BundleExports {
  /** Settles once the worker's start() has returned. */
  readonly started?: Promise<unknown>;
  /** Settles once the thread has done what every start does; the cache is written then. */
  readonly warmedUp?: Promise<unknown>;
}

/** FNV-1a: a short file name for the cache key, without loading node:crypto into the worker. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function cacheFileFor(bundleFile: string): string | undefined {
  const dir = process.env.THREADLINK_CODE_CACHE_DIR || path.join(os.tmpdir(), 'threadlink-code-cache');
  if (dir === 'off') return undefined;
  const stat = fs.statSync(bundleFile);
  const key = [
    bundleFile,
    stat.size,
    stat.mtimeMs,
    stat.ino,
    process.version,
    process.arch,
    process.execArgv.join(' '),
    process.env.NODE_OPTIONS ?? '',
  ].join('\n');
  return path.join(dir, `${path.basename(bundleFile, '.cjs')}-${fnv1a(key)}.v8cache`);
}

function readCache(cacheFile: string | undefined): Buffer | undefined {
  if (cacheFile === undefined) return undefined;
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** Cache files kept per bundle: Node 20 and 24, each with and without a flag, stay warm side by side. */
const kKeptPerBundle = 4;
/** A partial file this old was left by a thread that ended while it wrote. */
const kStalePartialMs = 60_000;

function writeCache(cacheFile: string, script: vm.Script): void {
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const partial = `${cacheFile}.${process.pid}-${workerThreads.threadId}.tmp`;
    fs.writeFileSync(partial, script.createCachedData());
    fs.renameSync(partial, cacheFile);
  } catch {
    // A read-only or full temporary directory: the next worker compiles again.
    return;
  }
  pruneOlderCaches(cacheFile);
}

/**
 * Every build of a bundle writes a new file (its key changes), so a developer's
 * rebuilds would fill the directory: keeps the newest few of this bundle's
 * files, by when they were written (a hit does not touch a file), and removes
 * its partial files that a thread left when it ended while writing. More
 * variants in use than are kept (Node versions, flags, checkouts sharing the
 * directory) evict each other; that costs the next start of each a compile.
 */
function pruneOlderCaches(cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  const prefix = `${path.basename(cacheFile).replace(/-[0-9a-f]{8}\.v8cache$/, '')}-`;
  try {
    const ours = fs
      .readdirSync(dir)
      .filter((name) => name.startsWith(prefix))
      .map((name) => ({ name, mtimeMs: fs.statSync(path.join(dir, name)).mtimeMs }));
    const caches = ours
      .filter(({ name }) => /^[0-9a-f]{8}\.v8cache$/.test(name.slice(prefix.length)))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    const stalePartials = ours.filter(
      ({ name, mtimeMs }) =>
        /^[0-9a-f]{8}\.v8cache\.\d+-\d+\.tmp$/.test(name.slice(prefix.length)) &&
        Date.now() - mtimeMs > kStalePartialMs,
    );
    for (const { name } of [...caches.slice(kKeptPerBundle), ...stalePartials]) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // Another worker pruned at the same time, or the directory is read-only: nothing is lost.
  }
}

interface BundleRun {
  readonly exports: BundleExports;
  /** hit: V8 took the cache; miss: it compiled, and writes a cache once warmed up; off: no cache. */
  readonly cache: 'hit' | 'miss' | 'off';
}

/** Runs the CommonJS bundle at `bundleFile` in this thread, from the code cache when there is a usable one. */
function runCodeCachedBundle(bundleFile: string): BundleRun {
  // Latin-1 keeps the source one byte per character in V8's heap (the bundles hold no other characters).
  const source = fs.readFileSync(bundleFile, 'latin1');
  const cacheFile = cacheFileFor(bundleFile);
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(`${kWrapperHead}${source}\n})`, {
    filename: bundleFile,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const bundleModule = { exports: {} as BundleExports };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(
    bundleModule.exports,
    bundleModule.exports,
    require,
    bundleModule,
    bundleFile,
    path.dirname(bundleFile),
  );
  const { exports } = bundleModule;
  if (cacheFile === undefined) return { exports, cache: 'off' };
  if (cachedData !== undefined && !script.cachedDataRejected) return { exports, cache: 'hit' };
  const write = (): void => writeCache(cacheFile, script);
  const warm = exports.warmedUp ?? exports.started;
  if (warm === undefined) write();
  else warm.then(write, write);
  return { exports, cache: 'miss' };
}

export = { runCodeCachedBundle };
