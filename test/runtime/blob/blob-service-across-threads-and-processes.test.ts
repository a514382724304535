// The BlobServer and a PermanentBlobCache in different threads, and in different
// processes over TCP with mutual TLS: blobs of several default-sized (1 MiB)
// chunks travel under the frame limit, and the coded errors (too large, not
// found, hash mismatch) arrive as their own classes.

import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcService } from '../../../src/rpc/rpc-service.js';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import {
  BlobHashMismatchError,
  BlobNotFoundError,
  BlobTooLargeError,
} from '../../../src/runtime/blob/blob-errors.js';
import { BlobKey } from '../../../src/runtime/blob/blob-key.js';
import { BlobServerGateway } from '../../../src/runtime/blob/blob-server-gateway.js';
import { uploadJobArtifacts } from '../../../src/runtime/blob/job-artifacts.js';
import { PermanentBlobCache } from '../../../src/runtime/blob/permanent-blob-cache.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { JobID } from '../../../src/runtime/types/ids.js';
import type { BlobServerHostData } from '../../fixtures/blob-server-host.js';
import { startRemote, startTlsService, type Path } from '../../support/paths.js';
import { killAllChildren } from '../../support/remote-process.js';
import { bytesOf, filesUnder, sha256 } from './testing-blob.js';

const kHostModule = new URL('../../fixtures/blob-server-host.js', import.meta.url);
const kMiB = 1024 * 1024;

for (const path of ['across threads', 'across processes'] as const satisfies readonly Path[]) {
  describe(`BlobServer and PermanentBlobCache ${path}`, () => {
    let base: string;
    let rpc: RpcService;
    let cache: PermanentBlobCache;
    let gateway: BlobServerGateway;
    let storageDir: string;
    const jobId = JobID.generate();

    beforeEach(async () => {
      base = await mkdtemp(join(tmpdir(), 'threadlink-blob-remote-'));
      rpc =
        path === 'across processes' ? await startTlsService({ askTimeoutMs: 10_000 }) : RpcService.create();
      const data: BlobServerHostData = {
        storageBase: join(base, 'server'),
        config: { 'blob.max-size': '3 mb' },
      };
      const started = (
        path === 'across processes'
          ? (await startRemote(kHostModule, data)).result
          : (await rpc.spawnWorker(kHostModule, { workerData: data })).result
      ) as { address: string; storageDir: string };
      storageDir = started.storageDir;
      gateway = await rpc.connect(started.address, BlobServerGateway);
      cache = await PermanentBlobCache.create({
        rpcService: rpc,
        serverAddress: started.address,
        configuration: new Configuration({ 'blob.storage.directory': join(base, 'cache') }),
      });
      cache.registerJob(jobId);
    });

    afterEach(async () => {
      await cache.closeAsync();
      await killAllChildren();
      await rpc.closeAsync();
      await rm(base, { recursive: true, force: true });
    });

    it('uploads and downloads blobs of several 1 MiB chunks, checked by their SHA-256', async () => {
      const big = bytesOf(2 * kMiB + 12_345, 11);
      const file = join(base, 'artifact.bin');
      const small = bytesOf(100, 12);
      await writeFile(file, small);
      const [bigKey, smallKey] = await uploadJobArtifacts(gateway, jobId, [big, { path: file }]);
      expect(bigKey).to.equal(sha256(big));
      expect(smallKey).to.equal(sha256(small));
      const [bigPath, smallPath] = await Promise.all([
        cache.getFile(jobId, bigKey!),
        cache.getFile(jobId, smallKey!),
      ]);
      expect(sha256(await readFile(bigPath))).to.equal(bigKey);
      expect(await readFile(smallPath)).to.deep.equal(Buffer.from(small));
      expect(cache.metrics().downloads).to.equal(2);
    });

    it('refuses a blob over the limit with BlobTooLargeError, class and code intact', async () => {
      const error = await putBlob(gateway, jobId, bytesOf(3 * kMiB + 1)).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(BlobTooLargeError);
      expect(error).to.have.property('code', 'ERR_BLOB_TOO_LARGE');
    });

    it('fails a download of a blob the server does not have with BlobNotFoundError, without retrying', async () => {
      const error = await cache.getFile(jobId, BlobKey.compute(bytesOf(1))).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(BlobNotFoundError);
      expect(error).to.have.property('code', 'ERR_BLOB_NOT_FOUND');
    });

    it('fails a download of a blob corrupted at the server with BlobHashMismatchError, keeping nothing', async () => {
      const bytes = bytesOf(kMiB + 1, 13);
      const key = await putBlob(gateway, jobId, bytes);
      bytes[kMiB] = bytes[kMiB]! ^ 1;
      await writeFile(join(storageDir, `job_${jobId}`, `blob_${key}`), bytes);
      const error = await cache.getFile(jobId, key).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(BlobHashMismatchError);
      expect(error).to.have.property('code', 'ERR_BLOB_HASH_MISMATCH');
      expect(await filesUnder(cache.getStorageDir())).to.deep.equal([]);
    });
  });
}
