// TLS material for the tests, made once per run with the certificate command:
// the cluster's CA and a node certificate for 127.0.0.1, and a second CA with
// its own node certificate, for a peer the cluster must refuse.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClusterCertificates } from '../../src/rpc/certs.js';
import type { SecurityConfig } from '../../src/rpc/remote-options.js';

export interface TestCerts {
  readonly dir: string;
  /** security.ssl.internal.* of a cluster node on 127.0.0.1. */
  readonly security: SecurityConfig;
  /** A node of another cluster: its own CA signed its certificate. */
  readonly otherCa: SecurityConfig;
  readonly files: { readonly key: string; readonly cert: string; readonly ca: string };
  readonly otherFiles: { readonly key: string; readonly cert: string; readonly ca: string };
}

let made: Promise<TestCerts> | undefined;

export function testCerts(): Promise<TestCerts> {
  made ??= make();
  return made;
}

async function make(): Promise<TestCerts> {
  const dir = mkdtempSync(join(tmpdir(), 'threadlink-certs-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const cluster = await makeClusterCertificates({ outDir: join(dir, 'cluster'), hosts: ['127.0.0.1'] });
  const other = await makeClusterCertificates({ outDir: join(dir, 'other'), hosts: ['127.0.0.1'] });
  const files = { key: cluster.nodes[0]!.key, cert: cluster.nodes[0]!.cert, ca: cluster.caCert };
  const otherFiles = { key: other.nodes[0]!.key, cert: other.nodes[0]!.cert, ca: other.caCert };
  const security = (f: typeof files): SecurityConfig => ({
    'security.ssl.internal.enabled': true,
    'security.ssl.internal.key': f.key,
    'security.ssl.internal.cert': f.cert,
    'security.ssl.internal.trust-cert': f.ca,
  });
  return { dir, security: security(files), otherCa: security(otherFiles), files, otherFiles };
}
