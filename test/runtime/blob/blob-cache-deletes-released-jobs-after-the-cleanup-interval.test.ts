// A job's cached blobs stay while anyone holds a reference, and are deleted
// blob.service.cleanup.interval (3600 s by default) after the last release, unless
// the job is registered again first; closing the cache deletes everything at once.
// Time is a ManualExecutor. After Flink's PermanentBlobCacheCleanupTest
// (testJobCleanup, testJobReferences, testTransientBlobNoJobCleanup's counterpart).

import { expect } from 'chai';
import { stat } from 'node:fs/promises';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import { BlobServiceClosedError } from '../../../src/runtime/blob/blob-errors.js';
import type { BlobKey } from '../../../src/runtime/blob/blob-key.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { BlobServiceConfiguration } from '../../../src/runtime/blob/blob-service-configuration.js';
import { eventuallyAsync } from '../../support/eventually-async.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { JobID } from '../../../src/runtime/types/ids.js';
import { bytesOf, filesUnder, useBlobBed } from './testing-blob.js';

const kHourMs = 3600 * 1000;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('PermanentBlobCache: cleanup of released jobs', () => {
  let executor: ManualExecutor;
  const h = useBlobBed(() => {
    executor = new ManualExecutor();
    return { cacheExecutor: executor };
  });

  async function cachedBlob(): Promise<{ key: BlobKey; path: string }> {
    const { bed } = h;
    const key = await putBlob(h.bed.gateway, bed.jobId, bytesOf(100));
    bed.cache.registerJob(bed.jobId);
    return { key, path: await bed.cache.getFile(bed.jobId, key) };
  }

  it('deletes a job’s files one cleanup interval after its last release, not before (testJobCleanup)', async () => {
    const { bed } = h;
    const { path } = await cachedBlob();
    bed.cache.registerJob(bed.jobId);
    bed.cache.releaseJob(bed.jobId);
    expect(bed.cache.getNumberOfReferenceHolders(bed.jobId)).to.equal(1);
    expect(executor.pendingCount).to.equal(0);

    bed.cache.releaseJob(bed.jobId);
    expect(executor.pendingDelays()).to.deep.equal([kHourMs]);
    executor.advance(kHourMs - 1);
    expect(await exists(path)).to.equal(true);
    executor.advance(1);
    expect(bed.cache.metrics().cachedJobs).to.equal(0);
    await eventuallyAsync(async () => !(await exists(path)), 'the job’s files to be deleted');
    expect(await filesUnder(bed.cache.getStorageDir())).to.deep.equal([]);
  });

  it('keeps the files when the job is registered again within the interval (testJobReferences)', async () => {
    const { bed } = h;
    const { key, path } = await cachedBlob();
    bed.cache.releaseJob(bed.jobId);
    executor.advance(kHourMs / 2);
    bed.cache.registerJob(bed.jobId);
    expect(executor.pendingCount).to.equal(0);
    executor.advance(2 * kHourMs);
    expect(await exists(path)).to.equal(true);
    const chunks = bed.server.metrics().chunksServed;
    expect(await bed.cache.getFile(bed.jobId, key)).to.equal(path);
    expect(bed.server.metrics().chunksServed).to.equal(chunks);
  });

  it('downloads again after the files were deleted and the job came back', async () => {
    const { bed } = h;
    const { key, path } = await cachedBlob();
    bed.cache.releaseJob(bed.jobId);
    executor.advance(kHourMs);
    bed.cache.registerJob(bed.jobId);
    // The new download waits for the deletion that is under way, so it is not deleted by it.
    expect(await bed.cache.getFile(bed.jobId, key)).to.equal(path);
    expect(await exists(path)).to.equal(true);
    expect(bed.cache.metrics().downloads).to.equal(2);
  });

  it('ignores a release without a matching registration', async () => {
    const { bed } = h;
    bed.cache.releaseJob(bed.jobId);
    expect(bed.cache.getNumberOfReferenceHolders(bed.jobId)).to.equal(0);
    expect(executor.pendingCount).to.equal(0);
  });

  it('deletes its directory at once when closed, registered jobs and pending cleanups alike', async () => {
    const { bed } = h;
    await cachedBlob();
    const otherJob = JobID.generate();
    const other = await putBlob(bed.gateway, otherJob, bytesOf(10, 2));
    bed.cache.registerJob(otherJob);
    await bed.cache.getFile(otherJob, other);
    bed.cache.releaseJob(otherJob);
    await bed.cache.closeAsync();
    expect(await exists(bed.cache.getStorageDir())).to.equal(false);
    expect(executor.pendingCount).to.equal(0);
    expect(() => bed.cache.registerJob(bed.jobId)).to.throw(BlobServiceClosedError);
  });

  it('reads the interval from blob.service.cleanup.interval in seconds, or its deprecated key', () => {
    const of = (entries: Record<string, string | number>) =>
      BlobServiceConfiguration.fromConfiguration(new Configuration(entries)).cleanupIntervalMs;
    expect(of({})).to.equal(kHourMs);
    expect(of({ 'blob.service.cleanup.interval': 10 })).to.equal(10_000);
    expect(of({ 'blob.service.cleanup.interval': '10' })).to.equal(10_000);
    expect(of({ 'blob.service.cleanup.interval': '2 min' })).to.equal(120_000);
    expect(of({ 'library-cache-manager.cleanup.interval': 5 })).to.equal(5000);
  });
});
