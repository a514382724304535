// Loaded by mocha before any test: the worker bundles' V8 code cache
// (workers/code-cached-bundle.cts) goes to a directory of this run, which the
// threads and processes the tests start inherit through the environment, and
// which is removed at the end, so that a test run leaves no files behind.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'threadlink-test-code-cache-'));
process.env.THREADLINK_CODE_CACHE_DIR = dir;

export const mochaHooks = {
  afterAll(): void {
    rmSync(dir, { recursive: true, force: true });
  },
};
