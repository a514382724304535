// What the worker bundles cost each thread that loads them. Every static import
// of a Node built-in in a bundle is loaded before the worker runs a line, and
// node:crypto, node:tls and node:net cost a worker about 5 ms and 1 MB
// (bench:cluster); a TaskExecutor loads them on first use: node:tls and node:net
// for TCP, node:crypto for blob files, which a MiniCluster's TaskExecutor never uses.
// And V8 keeps a module's source as a string in each thread's heap: one
// character beyond Latin-1, even in a comment, makes it a two-byte string,
// 0.4 MB more per thread for the TaskExecutor's bundle.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';

const kTaskManagerBundle = new URL('../../workers/task-manager-worker.bundle.cjs', import.meta.url);
const kJobManagerBundle = new URL('../../workers/job-manager-worker.bundle.cjs', import.meta.url);

function staticBuiltins(bundle: URL): string[] {
  const text = readFileSync(bundle, 'utf8');
  // The bundles are CommonJS: a module's static imports are top-level requires.
  return [...text.matchAll(/^var \w+ = (?:__toESM\()?require\("(node:[a-z_/]+)"\)/gm)].map((m) => m[1]!);
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

describe('the worker bundles', () => {
  for (const bundle of [kTaskManagerBundle, kJobManagerBundle]) {
    it(`hold only Latin-1 characters, so that V8 keeps their source one byte per character: ${bundle.pathname.split('/').pop()}`, () => {
      const lines = readFileSync(bundle, 'utf8').split('\n');
      expect(lines.length).to.be.greaterThan(1000);
      const wide = lines
        .map((line, index) => ({ line: index + 1, text: line.trim() }))
        .filter(({ text }) => [...text].some((char) => char.codePointAt(0)! > 0xff));
      expect(wide, 'write these source comments in Latin-1 (-> for an arrow, >= for ≥)').to.deep.equal([]);
    });
  }
});
