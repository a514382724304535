// With ZooKeeper HA a BlobServer copies every blob to the shared BlobStore before
// it returns the key, and a BlobServer that never saw a blob serves it from
// there: the jobmanager elected after a failover runs the recovered jobs' task
// modules. Cleaning up a job removes its blobs from the store too. After Flink's
// BlobServerRecoveryTest (testBlobServerRecovery) and FileSystemBlobStore.

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import { BlobNotFoundError } from '../../../src/runtime/blob/blob-errors.js';
import { BlobServerGateway } from '../../../src/runtime/blob/blob-server-gateway.js';
import { BlobServer } from '../../../src/runtime/blob/blob-server.js';
import { FileSystemBlobStore } from '../../../src/runtime/blob/file-system-blob-store.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { bytesOf, filesUnder, sha256, useBlobBed } from './testing-blob.js';

describe('BlobServer with a BlobStore: blobs outlive the server that took them', () => {
  const h = useBlobBed();

  async function serverWith(store: FileSystemBlobStore, name: string): Promise<BlobServerGateway> {
    const server = new BlobServer(h.bed.rpc, {
      configuration: new Configuration({ 'blob.storage.directory': join(h.bed.base, name) }),
      endpointId: name,
      blobStore: store,
    });
    server.start();
    return h.bed.rpc.connect(server.getAddress(), BlobServerGateway);
  }

  it('serves a blob uploaded to another server, and forgets it in both places when the job is cleaned up', async () => {
    const { bed } = h;
    const store = new FileSystemBlobStore(join(bed.base, 'ha', 'blob'));
    const leader = await serverWith(store, 'leader');
    const bytes = bytesOf(5000, 7);
    const key = await putBlob(leader, bed.jobId, bytes);
    expect(await filesUnder(store.basePath)).to.deep.equal([join(`job_${bed.jobId}`, `blob_${key}`)]);

    const successor = await serverWith(store, 'successor');
    expect(await successor.getBlobSize(bed.jobId, key)).to.equal(5000);
    const chunk = await successor.getChunk(bed.jobId, key, 0, 5000);
    expect(sha256(chunk)).to.equal(key);
    expect(sha256(await readFile(join(store.basePath, `job_${bed.jobId}`, `blob_${key}`)))).to.equal(key);

    await successor.cleanupJob(bed.jobId);
    expect(await filesUnder(store.basePath)).to.deep.equal([]);
    const missing = await successor.getBlobSize(bed.jobId, key).catch((error: unknown) => error);
    expect(missing).to.be.instanceOf(BlobNotFoundError);
  });
});
