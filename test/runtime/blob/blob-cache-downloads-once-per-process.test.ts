// However many callers ask for a blob at once, the cache downloads it once and
// every caller gets the same path; later calls are answered from disk. Through
// its BlobCacheService, the TaskExecutors in other threads share the same copy.
// After Flink's BlobCacheConcurrentTest (testConcurrentGetOperations).

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import { BlobJobNotRegisteredError } from '../../../src/runtime/blob/blob-errors.js';
import { BlobCacheGateway, BlobCacheService } from '../../../src/runtime/blob/blob-cache-service.js';
import { bytesOf, sha256, useBlobBed } from './testing-blob.js';

const kBlobCacheClient = new URL('../../fixtures/blob-cache-client.js', import.meta.url);

describe('PermanentBlobCache: one download per process', () => {
  const h = useBlobBed({ server: { 'blob.chunk-size': 1024 }, cache: { 'blob.chunk-size': 1024 } });

  it('downloads a blob once for ten concurrent getFile calls, which all get the same path (testConcurrentGetOperations)', async () => {
    const { bed } = h;
    const bytes = bytesOf(4 * 1024 + 10);
    const key = await putBlob(bed.gateway, bed.jobId, bytes);
    bed.cache.registerJob(bed.jobId);
    const paths = await Promise.all(Array.from({ length: 10 }, () => bed.cache.getFile(bed.jobId, key)));
    expect(new Set(paths).size).to.equal(1);
    expect(paths[0]).to.equal(bed.cache.getStorageLocation(bed.jobId, key));
    expect(bed.server.metrics().chunksServed).to.equal(5);
    expect(bed.cache.metrics().downloads).to.equal(1);
    expect(sha256(await readFile(paths[0]!))).to.equal(key);

    expect(await bed.cache.getFile(bed.jobId, key)).to.equal(paths[0]);
    expect(bed.server.metrics().chunksServed).to.equal(5);
  });

  it('refuses getFile for a job that is not registered (Flink’s registerJob/releaseJob contract)', async () => {
    const { bed } = h;
    const key = await putBlob(bed.gateway, bed.jobId, bytesOf(10));
    const error = await bed.cache.getFile(bed.jobId, key).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BlobJobNotRegisteredError);
    expect(error).to.have.property('code', 'ERR_BLOB_JOB_NOT_REGISTERED');
    expect(bed.server.metrics().chunksServed).to.equal(0);
  });

  it('serves worker threads through its BlobCacheService, still downloading once', async () => {
    const { bed } = h;
    const key = await putBlob(bed.gateway, bed.jobId, bytesOf(3000, 7));
    const service = new BlobCacheService(bed.rpc, bed.cache);
    service.start();
    const local = await bed.rpc.connect(service.getAddress(), BlobCacheGateway);
    await local.registerJob(bed.jobId);
    const workers = await Promise.all(
      [1, 2].map(() =>
        bed.rpc.spawnWorker(kBlobCacheClient, {
          workerData: { cacheAddress: service.getAddress(), jobId: bed.jobId, key },
        }),
      ),
    );
    for (const worker of workers) {
      expect(worker.result).to.deep.equal({
        path: bed.cache.getStorageLocation(bed.jobId, key),
        sha256: key,
      });
    }
    expect(bed.cache.metrics().downloads).to.equal(1);
    expect(bed.server.metrics().chunksServed).to.equal(3);
    await local.releaseJob(bed.jobId);
    expect(bed.cache.getNumberOfReferenceHolders(bed.jobId)).to.equal(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  });
});
