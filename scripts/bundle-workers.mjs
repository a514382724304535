// `npm run bundle:workers`: bundles each worker entry that tsc built into one
// CommonJS file, which its boot entry (workers/*-boot.cts) runs from V8's code
// cache (workers/code-cached-bundle.cts). CommonJS because vm.Script, which
// takes a code cache on Node 20, runs scripts, not modules. import.meta.url
// becomes the bundle's own file URL, so that the URLs of src/worker-entries.ts
// hold inside the bundle as they do in dist/.
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
      logLevel: 'warning',
      define: { 'import.meta.url': '__bundleFileUrl' },
      banner: {
        js: '"use strict";\nvar __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;',
      },
    }),
  ),
);
