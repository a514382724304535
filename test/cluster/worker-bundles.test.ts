// What the worker bundles cost each thread that loads them. Every static import
// of a Node built-in in a bundle is loaded before the worker runs a line, and
// node:crypto, node:tls and node:net cost a worker about 5 ms and 1 MB
// (bench:cluster); a TaskExecutor loads them on first use: node:tls and node:net
// for TCP, node:crypto for blob files, which a MiniCluster's TaskExecutor never
// uses, and node:v8 (0.5 ms) for an oversized message or a heap reading.
// And V8 keeps a module's source as a string in each thread's heap: one
// character beyond Latin-1, even in a comment, makes it a two-byte string,
// 0.4 MB more per thread for the TaskExecutor's bundle.

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { expect } from 'chai';

const kTaskManagerBundle = new URL('../../workers/task-manager-worker.bundle.cjs', import.meta.url);
const kJobManagerBundle = new URL('../../workers/job-manager-worker.bundle.cjs', import.meta.url);

// Loads the bundle in a new thread, as its boot entry does (its worker host then
// waits for main's start call), and answers with the built-ins the thread has loaded.
const kLoadAndList = `
  const { parentPort } = require('node:worker_threads');
  require(__BUNDLE__);
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  parentPort.postMessage(builtins);
`;

async function builtinsLoadedBy(bundle: URL): Promise<string[]> {
  const data = new MessageChannel();
  const admin = new MessageChannel();
  const worker = new Worker(kLoadAndList.replace('__BUNDLE__', JSON.stringify(fileURLToPath(bundle))), {
    eval: true,
    workerData: {
      dataPort: data.port2,
      adminPort: admin.port2,
      mainHost: 'thread-0',
      serviceOptions: {},
      moduleUrl: '',
    },
    transferList: [data.port2, admin.port2],
  });
  try {
    const [builtins] = (await once(worker, 'message')) as [string[]];
    return builtins;
  } finally {
    await worker.terminate();
    data.port1.close();
    admin.port1.close();
  }
}

describe("the TaskExecutor worker's bundle", () => {
  it('loads no node:crypto, node:tls, node:net or node:v8 into its thread', async () => {
    const builtins = await builtinsLoadedBy(kTaskManagerBundle);
    // The bundle did load: its banner's node:url, which a bare worker does not load, is there.
    expect(builtins).to.include('url');
    expect(builtins).to.not.include.members(['crypto']);
    expect(builtins).to.not.include.members(['tls']);
    expect(builtins).to.not.include.members(['net']);
    expect(builtins).to.not.include.members(['v8']);
  });
});

describe('the worker bundles', () => {
  for (const bundle of [kTaskManagerBundle, kJobManagerBundle]) {
    it(`hold only Latin-1 characters, so that V8 keeps their source one byte per character: ${bundle.pathname.split('/').pop()}`, () => {
      const text = readFileSync(bundle, 'utf8');
      expect(text.length).to.be.greaterThan(100_000);
      const wide = text
        .split('\n')
        .map((line, index) => ({ line: index + 1, text: line.trim() }))
        .filter(({ text }) => [...text].some((char) => char.codePointAt(0)! > 0xff));
      expect(wide, 'write these source comments in Latin-1 (-> for an arrow, >= for ≥)').to.deep.equal([]);
    });
  }
});
