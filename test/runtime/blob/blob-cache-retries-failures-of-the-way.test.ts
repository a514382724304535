// A download that fails on the way (the BlobServer cannot be reached, an ask
// times out) is tried again up to blob.fetch.retries times, with pauses that
// double from 100 ms; a failure of the blob itself (not found, too large, a
// hash mismatch) is not. Closing the cache ends a pause at once. Time is a
// ManualExecutor. After Flink's BlobClient.downloadFromBlobServer retries.

import { expect } from 'chai';
import { join } from 'node:path';
import { RpcConnectionError } from '../../../src/rpc/errors.js';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import { BlobServiceClosedError } from '../../../src/runtime/blob/blob-errors.js';
import { BlobKey } from '../../../src/runtime/blob/blob-key.js';
import { BlobServer } from '../../../src/runtime/blob/blob-server.js';
import { BlobServerGateway } from '../../../src/runtime/blob/blob-server-gateway.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { eventually } from '../../support/eventually.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { bytesOf, sha256, useBlobBed } from './testing-blob.js';

describe('PermanentBlobCache: retries', () => {
  let executor: ManualExecutor;
  const h = useBlobBed(() => {
    executor = new ManualExecutor();
    return { cacheExecutor: executor, cache: { 'blob.fetch.retries': 2 } };
  });

  /** The cache is pointed at an endpoint that does not exist yet. */
  function pointAtLateServer(): string {
    const address = h.bed.server.getAddress().replace(/blob_server$/, 'late_blob_server');
    h.bed.cache.setBlobServerAddress(address);
    return address;
  }

  it('tries again after a pause when the BlobServer cannot be reached, and gets the blob once it can', async () => {
    const { bed } = h;
    pointAtLateServer();
    const bytes = bytesOf(500);
    const key = BlobKey.compute(bytes);
    bed.cache.registerJob(bed.jobId);
    const file = bed.cache.getFile(bed.jobId, key);
    await eventually(() => executor.pendingCount === 1, 'the first pause');
    expect(executor.pendingDelays()).to.deep.equal([100]);

    const late = new BlobServer(bed.rpc, {
      endpointId: 'late_blob_server',
      configuration: new Configuration({ 'blob.storage.directory': join(bed.base, 'late') }),
    });
    late.start();
    await putBlob(await bed.rpc.connect(late.getAddress(), BlobServerGateway), bed.jobId, bytes);
    executor.advance(100);
    expect(await file).to.equal(bed.cache.getStorageLocation(bed.jobId, key));
    expect(sha256(bytes)).to.equal(key);
  });

  it('gives up after blob.fetch.retries attempts with the failure of the last, pausing 100 ms then 200 ms', async () => {
    const { bed } = h;
    pointAtLateServer();
    bed.cache.registerJob(bed.jobId);
    const file = bed.cache.getFile(bed.jobId, BlobKey.compute(bytesOf(1))).catch((e: unknown) => e);
    await eventually(() => executor.pendingCount === 1, 'the first pause');
    expect(executor.pendingDelays()).to.deep.equal([100]);
    executor.advance(100);
    await eventually(() => executor.pendingCount === 1, 'the second pause');
    expect(executor.pendingDelays()).to.deep.equal([200]);
    executor.advance(200);
    expect(await file).to.be.instanceOf(RpcConnectionError);
    expect(executor.pendingCount).to.equal(0);
  });

  it('does not retry a failure of the blob itself', async () => {
    const { bed } = h;
    bed.cache.registerJob(bed.jobId);
    const error = await bed.cache.getFile(bed.jobId, BlobKey.compute(bytesOf(1))).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ERR_BLOB_NOT_FOUND');
    expect(executor.pendingCount).to.equal(0);
  });

  it('ends a pause when it closes, failing the download with BlobServiceClosedError', async () => {
    const { bed } = h;
    pointAtLateServer();
    bed.cache.registerJob(bed.jobId);
    const file = bed.cache
      .getFile(bed.jobId, await putBlob(bed.gateway, bed.jobId, bytesOf(3)))
      .catch((e: unknown) => e);
    await eventually(() => executor.pendingCount === 1, 'the first pause');
    await bed.cache.closeAsync();
    expect(await file).to.be.instanceOf(BlobServiceClosedError);
    expect(executor.pendingCount).to.equal(0);
  });
});
