#!/usr/bin/env node
// threadlink-certs: makes the TLS material of a cluster (security.ssl.internal.*)
// with the openssl CLI, see certs.ts.
//
//   threadlink-certs --out certs --hosts 10.0.0.5,10.0.0.6 [--days 825]

import { parseArgs } from 'node:util';
import { makeClusterCertificates } from './certs.js';

const kUsage = `Usage: threadlink-certs --out DIR --hosts HOST[,HOST...] [--days N] [--ca-name NAME]

Makes a CA (or reuses DIR/ca.key and DIR/ca.crt) and, for each host, a key and a
certificate signed by it, naming the host and good for mutual TLS. Give each
process its host's files:

  security.ssl.internal.enabled: true
  security.ssl.internal.key: DIR/<host>.key
  security.ssl.internal.cert: DIR/<host>.crt
  security.ssl.internal.trust-cert: DIR/ca.crt

Keep DIR/ca.key offline: whoever has it can join the cluster.`;

async function main(argv: string[]): Promise<number> {
  let values: { out?: string; hosts?: string; days?: string; 'ca-name'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        hosts: { type: 'string' },
        days: { type: 'string' },
        'ca-name': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${kUsage}`);
    return 2;
  }
  if (values.help) {
    console.log(kUsage);
    return 0;
  }
  if (!values.out || !values.hosts) {
    console.error(kUsage);
    return 2;
  }
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
    console.error(`--days must be a positive whole number, got ${values.days}.`);
    return 2;
  }
  const hosts = values.hosts
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  try {
    const made = await makeClusterCertificates({
      outDir: values.out,
      hosts,
      ...(days === undefined ? {} : { days }),
      ...(values['ca-name'] === undefined ? {} : { caName: values['ca-name'] }),
    });
    console.log(`${made.caCreated ? 'made' : 'reused'} CA    ${made.caCert}`);
    for (const node of made.nodes) console.log(`node ${node.host}    ${node.key}  ${node.cert}`);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
