// Every worker entry named in src/worker-entries.ts exists after the build, so
// a renamed or unbundled entry fails here and not in a worker that never starts.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { kWorkerEntries } from '../src/worker-entries.js';

describe('worker entries', () => {
  for (const [role, url] of Object.entries(kWorkerEntries)) {
    it(`the ${role} entry exists after the build (${url.pathname.split('/dist/')[1]})`, () => {
      expect(existsSync(fileURLToPath(url)), fileURLToPath(url)).to.equal(true);
    });
  }
});
