// What the worker bundles load when a thread starts. Every static import of a
// Node built-in in a bundle is loaded before the worker runs a line, and
// node:crypto, node:tls and node:net cost a worker about 5 ms and 1 MB
// (bench:cluster); a TaskExecutor loads them on first use, and most never do.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';

const kTaskManagerBundle = new URL('../../workers/task-manager-worker.bundle.js', import.meta.url);

function staticBuiltins(bundle: URL): string[] {
  const text = readFileSync(bundle, 'utf8');
  return [...text.matchAll(/^import [^;]*? from "(node:[a-z_/]+)";$/gm)].map((m) => m[1]!);
}

describe("the TaskExecutor worker's bundle", () => {
  it('imports no node:crypto, node:tls or node:net at load', () => {
    const builtins = staticBuiltins(kTaskManagerBundle);
    // A pattern that matched nothing would make the check pass.
    expect(builtins).to.include('node:worker_threads');
    expect(builtins).to.not.include.members(['node:crypto']);
    expect(builtins).to.not.include.members(['node:tls']);
    expect(builtins).to.not.include.members(['node:net']);
  });
});
