// `npm run bundle:workers`: bundles each worker entry that tsc built into one
// CommonJS file, which its boot entry (workers/*-boot.cts) runs from V8's code
// cache (workers/code-cached-bundle.cts). CommonJS because vm.Script, which
// takes a code cache on Node 20, runs scripts, not modules. import.meta.url
// becomes the bundle's own file URL, so that the URLs of src/worker-entries.ts
// hold inside the bundle as they do in dist/.
//
// Whitespace and syntax are minified, names are kept: a smaller source is less
// to read, hash and deserialise from the code cache on every worker start, and
// stack traces still name the functions.
import { build } from 'esbuild';

const kEntries = ['task-manager-worker', 'job-manager-worker'];

await Promise.all(
  kEntries.map((name) =>
    build({
      entryPoints: [`dist/workers/${name}-entry.js`],
      outfile: `dist/workers/${name}.bundle.cjs`,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'warning',
      define: { 'import.meta.url': '__bundleFileUrl' },
      banner: {
        js: '"use strict";\nvar __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;',
      },
    }),
  ),
);
