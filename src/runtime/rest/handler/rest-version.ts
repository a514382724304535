// The version the REST API reports where Flink reports flink-version: this
// package's, read once from its package.json.

import { readFileSync } from 'node:fs';

function readVersion(): string {
  // From dist/src/runtime/rest/handler/ (tsc) or dist/workers/ (the bundled JobManager worker).
  for (const up of ['../../../../../package.json', '../../package.json']) {
    try {
      const json = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (json.name === 'threadlink' && json.version) return json.version;
    } catch {
      // Not there (a bundled worker lives elsewhere): try the next.
    }
  }
  return 'unknown';
}

export const kRestVersion = readVersion();
