// The cache checks the SHA-256 of every blob it downloads against the key before
// the file gets its name: a blob corrupted at the server fails with
// ERR_BLOB_HASH_MISMATCH and leaves no file in the cache's directory, and the
// next getFile tries again. After Flink's BlobCacheCorruptionTest.

import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import { BlobHashMismatchError } from '../../../src/runtime/blob/blob-errors.js';
import type { BlobKey } from '../../../src/runtime/blob/blob-key.js';
import { bytesOf, filesUnder, sha256, useBlobBed } from './testing-blob.js';

describe('PermanentBlobCache: hash checks', () => {
  const h = useBlobBed({ server: { 'blob.chunk-size': 1024 }, cache: { 'blob.chunk-size': 1024 } });

  async function tamper(change: (bytes: Buffer) => Buffer): Promise<{ key: BlobKey; original: Uint8Array }> {
    const { bed } = h;
    const original = bytesOf(2500);
    const key = await putBlob(bed.gateway, bed.jobId, original);
    const stored = join(await bed.server.getStorageDir(), `job_${bed.jobId}`, `blob_${key}`);
    await writeFile(stored, change(await readFile(stored)));
    return { key, original };
  }

  it('fails a download whose bytes were changed at the server, leaving no file behind (testGetFailsFromCorruptFile)', async () => {
    const { bed } = h;
    const { key } = await tamper((bytes) => {
      bytes[2000] = bytes[2000]! ^ 0xff;
      return bytes;
    });
    bed.cache.registerJob(bed.jobId);
    const error = await bed.cache.getFile(bed.jobId, key).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BlobHashMismatchError);
    expect(error).to.have.property('code', 'ERR_BLOB_HASH_MISMATCH');
    expect(bed.server.metrics().chunksServed).to.equal(3);
    expect(await filesUnder(bed.cache.getStorageDir())).to.deep.equal([]);
    expect(bed.cache.metrics().downloads).to.equal(0);
  });

  it('fails a download of a truncated blob the same way', async () => {
    const { bed } = h;
    const { key } = await tamper((bytes) => bytes.subarray(0, 1000));
    bed.cache.registerJob(bed.jobId);
    const error = await bed.cache.getFile(bed.jobId, key).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BlobHashMismatchError);
    expect(await filesUnder(bed.cache.getStorageDir())).to.deep.equal([]);
  });

  it('does not retry a hash mismatch, but downloads again on the next getFile once the blob is repaired', async () => {
    const { bed } = h;
    const { key, original } = await tamper((bytes) =>
      Buffer.concat([bytes.subarray(1), bytes.subarray(0, 1)]),
    );
    bed.cache.registerJob(bed.jobId);
    await bed.cache.getFile(bed.jobId, key).catch(() => {});
    expect(bed.server.metrics().chunksServed).to.equal(3);
    await writeFile(join(await bed.server.getStorageDir(), `job_${bed.jobId}`, `blob_${key}`), original);
    const path = await bed.cache.getFile(bed.jobId, key);
    expect(sha256(await readFile(path))).to.equal(key);
    expect(await filesUnder(bed.cache.getStorageDir())).to.deep.equal([
      join(`job_${bed.jobId}`, `blob_${key}`),
    ]);
  });
});
