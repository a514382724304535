// Makes a cluster's TLS material for security.ssl.internal.*: one CA, and a key
// and certificate per node, signed by that CA, naming the node's host (IP or
// DNS) and good for both server and client authentication, as mutual TLS needs.
// It drives the openssl CLI: Node can make keys but not sign certificates, and
// openssl is on every server, audited, and what operators already trust; no
// new dependency. Keys are EC P-256: fast to make, small handshakes.

import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RpcConfigurationError } from './errors.js';

const run = promisify(execFile);

export interface CertificateOptions {
  /** Directory to write into; created if missing. A CA already there is reused. */
  readonly outDir: string;
  /** Hosts (IP addresses or DNS names) to make node certificates for. */
  readonly hosts: readonly string[];
  /** Validity of node certificates in days. Default 825. */
  readonly days?: number;
  /** Common name of a new CA. Default `threadlink cluster CA`. */
  readonly caName?: string;
  /** The openssl executable. Default `openssl` on the PATH. */
  readonly openssl?: string;
}

export interface NodeFiles {
  readonly host: string;
  readonly key: string;
  readonly cert: string;
}

export interface ClusterCertificates {
  readonly caCert: string;
  readonly caKey: string;
  /** Whether the CA was made now (false: an existing one was reused). */
  readonly caCreated: boolean;
  readonly nodes: readonly NodeFiles[];
}

/** The file name stem for a host: `10.0.0.5`, `node-a.example.com`, `[::1]` → `ipv6-1`. */
export function fileStem(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/:/g, '-')
    .replace(/[^A-Za-z0-9.-]/g, '_');
}

export async function makeClusterCertificates(options: CertificateOptions): Promise<ClusterCertificates> {
  const openssl = options.openssl ?? 'openssl';
  const days = options.days ?? 825;
  if (options.hosts.length === 0) throw new RpcConfigurationError('Name at least one host (--hosts a,b).');
  for (const host of options.hosts) {
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(host))
      throw new RpcConfigurationError(`Not a host name or IP address: ${host}`);
  }
  await mkdir(options.outDir, { recursive: true });
  const caKey = join(options.outDir, 'ca.key');
  const caCert = join(options.outDir, 'ca.crt');
  const openSsl = (args: string[]) => runOpenSsl(openssl, args);

  const caCreated = !(await exists(caKey)) || !(await exists(caCert));
  if (caCreated) {
    await openSsl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', caKey]);
    await chmod(caKey, 0o600);
    await openSsl([
      'req', '-x509', '-new', '-key', caKey, '-sha256', '-days', String(Math.max(days, 3650)),
      '-subj', `/CN=${options.caName ?? 'threadlink cluster CA'}`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-out', caCert,
    ]); // prettier-ignore
  }

  const nodes: NodeFiles[] = [];
  for (const host of options.hosts) {
    const bare = host.replace(/^\[|\]$/g, '');
    const stem = join(options.outDir, fileStem(host));
    const key = `${stem}.key`;
    const cert = `${stem}.crt`;
    const csr = `${stem}.csr`;
    const ext = `${stem}.ext`;
    await openSsl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    await chmod(key, 0o600);
    await openSsl(['req', '-new', '-key', key, '-subj', `/CN=${bare}`, '-out', csr]);
    await writeFile(
      ext,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        // Every node is a server to those that dial it and a client to those it dials.
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=${isIP(bare) ? 'IP' : 'DNS'}:${bare}`,
        '',
      ].join('\n'),
    );
    await openSsl([
      'x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-set_serial', randomSerial(),
      '-days', String(days), '-sha256', '-extfile', ext, '-out', cert,
    ]); // prettier-ignore
    await Promise.all([rm(csr), rm(ext)]);
    nodes.push({ host, key, cert });
  }
  return { caCert, caKey, caCreated, nodes };
}

async function runOpenSsl(openssl: string, args: string[]): Promise<void> {
  try {
    await run(openssl, args, { maxBuffer: 1024 * 1024 });
  } catch (cause) {
    const error = cause as NodeJS.ErrnoException & { stderr?: string };
    if (error.code === 'ENOENT') {
      throw new RpcConfigurationError(
        `The openssl command was not found (${openssl}). Install OpenSSL (e.g. apt-get install openssl).`,
        { cause },
      );
    }
    throw new RpcConfigurationError(`openssl ${args[0]} failed: ${error.stderr?.trim() || error.message}`, {
      cause,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}

function randomSerial(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[0]! &= 0x7f; // a positive serial
  return `0x${Buffer.from(bytes).toString('hex')}`;
}
