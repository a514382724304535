// The layering rules of ARCHITECTURE.md, checked on the sources: arrows point
// down only (actor ← rpc ← runtime ← cluster), and the three runtime
// components meet only through the gateways package, never one another.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const kRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const kSrc = join(kRoot, 'src');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of `file`, as a path under src/ (e.g. `runtime/jobmaster/job-master.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((specifier) =>
    relative(kSrc, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'),
  );
}

const kLayers = ['actor', 'rpc', 'runtime', 'cluster'];
const kComponents = ['runtime/taskexecutor', 'runtime/jobmaster', 'runtime/resourcemanager'];

describe('the layering of src/', () => {
  const files = sourcesUnder(kSrc).map((file) => ({ file: relative(kSrc, file), imports: importsOf(file) }));

  it('has arrows that point down only: actor, then rpc, then runtime, then cluster', () => {
    // A regex that finds nothing would make every rule pass.
    expect(files.reduce((sum, { imports }) => sum + imports.length, 0)).to.be.greaterThan(500);
    const upward: string[] = [];
    for (const { file, imports } of files) {
      const from = kLayers.indexOf(file.split('/')[0]!);
      if (from < 0) continue;
      for (const target of imports) {
        const to = kLayers.indexOf(target.split('/')[0]!);
        if (to > from) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).to.deep.equal([]);
  });

  it('lets taskexecutor, jobmaster and resourcemanager meet only through the gateways', () => {
    const crossing: string[] = [];
    for (const { file, imports } of files) {
      const own = kComponents.find((component) => file.startsWith(`${component}/`));
      if (!own) continue;
      for (const target of imports) {
        const other = kComponents.find((component) => target.startsWith(`${component}/`));
        if (other && other !== own) crossing.push(`${file} -> ${target}`);
      }
    }
    expect(crossing).to.deep.equal([]);
  });

  it('keeps every source file under 500 lines', () => {
    const long = sourcesUnder(kSrc)
      .map((file) => ({ file: relative(kSrc, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 500);
    expect(long).to.deep.equal([]);
  });
});
