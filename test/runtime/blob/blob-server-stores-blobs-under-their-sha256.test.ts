// The BlobServer is content-addressed: an upload is stored under its SHA-256 in
// <storageDir>/job_<jobId>/blob_<key>, the same bytes uploaded again are the same
// blob, and both directions move in chunks of blob.chunk-size. After Flink's
// BlobServerPutTest (testPutBufferSuccessfulGet, testPutChunkedStreamSuccessful)
// and BlobServerDeleteTest (testDeleteAll).

import { expect } from 'chai';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import { BlobNotFoundError } from '../../../src/runtime/blob/blob-errors.js';
import { BlobKey } from '../../../src/runtime/blob/blob-key.js';
import { uploadJobArtifacts } from '../../../src/runtime/blob/job-artifacts.js';
import { JobID } from '../../../src/runtime/types/ids.js';
import { bytesOf, filesUnder, sha256, useBlobBed } from './testing-blob.js';

const kChunk = 1024;

describe('BlobServer: content-addressed storage', () => {
  const h = useBlobBed({ server: { 'blob.chunk-size': kChunk }, cache: { 'blob.chunk-size': kChunk } });

  it('stores an upload under its SHA-256 and serves it back byte for byte (testPutBufferSuccessfulGet)', async () => {
    const { bed } = h;
    const bytes = bytesOf(700);
    const key = await putBlob(bed.gateway, bed.jobId, bytes);
    expect(key).to.equal(sha256(bytes));
    const storageDir = await bed.server.getStorageDir();
    expect(await filesUnder(storageDir)).to.deep.equal([join(`job_${bed.jobId}`, `blob_${key}`)]);
    expect(await bed.gateway.getBlobSize(bed.jobId, key)).to.equal(700);
    const chunk = await bed.gateway.getChunk(bed.jobId, key, 100, 50);
    expect([...chunk]).to.deep.equal([...bytes.subarray(100, 150)]);
  });

  it('keeps one copy when the same bytes are uploaded twice for a job, and one per job', async () => {
    const { bed } = h;
    const bytes = bytesOf(3000, 2);
    const first = await putBlob(bed.gateway, bed.jobId, bytes);
    const second = await putBlob(bed.gateway, bed.jobId, bytes);
    const otherJob = JobID.generate();
    const third = await putBlob(bed.gateway, otherJob, bytes);
    expect(second).to.equal(first);
    expect(third).to.equal(first);
    expect(await filesUnder(await bed.server.getStorageDir())).to.deep.equal(
      [join(`job_${bed.jobId}`, `blob_${first}`), join(`job_${otherJob}`, `blob_${first}`)].sort(),
    );
    expect(bed.server.metrics().blobsStored).to.equal(3);
  });

  it('moves a blob of several chunks in chunks of blob.chunk-size each way (testPutChunkedStreamSuccessful)', async () => {
    const { bed } = h;
    const bytes = bytesOf(5 * kChunk + 300, 3);
    const key = await putBlob(bed.gateway, bed.jobId, bytes);
    expect(bed.server.metrics().chunksReceived).to.equal(6);
    bed.cache.registerJob(bed.jobId);
    const path = await bed.cache.getFile(bed.jobId, key);
    expect(bed.server.metrics().chunksServed).to.equal(6);
    expect(sha256(await readFile(path))).to.equal(key);
  });

  it('announces its chunk size when an upload begins, and serves at most a chunk per call', async () => {
    const { bed } = h;
    const ticket = await bed.gateway.beginPut(bed.jobId, 10);
    expect(ticket.chunkSize).to.equal(kChunk);
    await bed.gateway.abortPut(ticket.uploadId);
    const key = await putBlob(bed.gateway, bed.jobId, bytesOf(3 * kChunk));
    expect((await bed.gateway.getChunk(bed.jobId, key, 0, 10 * kChunk)).byteLength).to.equal(kChunk);
    expect((await bed.gateway.getChunk(bed.jobId, key, 3 * kChunk, kChunk)).byteLength).to.equal(0);
  });

  it('stores an empty blob', async () => {
    const { bed } = h;
    const key = await putBlob(bed.gateway, bed.jobId, new Uint8Array(0));
    expect(key).to.equal(sha256(new Uint8Array(0)));
    bed.cache.registerJob(bed.jobId);
    expect((await readFile(await bed.cache.getFile(bed.jobId, key))).byteLength).to.equal(0);
  });

  it('uploads local files chunk by chunk and returns the keys in order', async () => {
    const { bed } = h;
    const file = join(bed.base, 'artifact.bin');
    const fileBytes = bytesOf(2 * kChunk + 1, 4);
    await writeFile(file, fileBytes);
    const bytes = bytesOf(10, 5);
    const keys = await uploadJobArtifacts(bed.gateway, bed.jobId, [{ path: file }, bytes]);
    expect(keys).to.deep.equal([sha256(fileBytes), sha256(bytes)]);
    expect(bed.server.metrics().chunksReceived).to.equal(4);
  });

  it('answers BlobNotFoundError for a blob it does not have', async () => {
    const { bed } = h;
    const key = BlobKey.compute(bytesOf(5));
    const error = await bed.gateway.getBlobSize(bed.jobId, key).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BlobNotFoundError);
    expect(error).to.have.property('code', 'ERR_BLOB_NOT_FOUND');
    const chunk = await bed.gateway.getChunk(bed.jobId, key, 0, 1).catch((e: unknown) => e);
    expect(chunk).to.be.instanceOf(BlobNotFoundError);
  });

  it('deletes every blob of a job on cleanupJob, and no other job’s (testDeleteAll)', async () => {
    const { bed } = h;
    const otherJob = JobID.generate();
    const key = await putBlob(bed.gateway, bed.jobId, bytesOf(10));
    await putBlob(bed.gateway, otherJob, bytesOf(10));
    await bed.gateway.cleanupJob(bed.jobId);
    const storageDir = await bed.server.getStorageDir();
    expect(await filesUnder(storageDir)).to.deep.equal([join(`job_${otherJob}`, `blob_${key}`)]);
    await bed.gateway.cleanupJob(bed.jobId);
  });

  it('removes its blobStore-<uuid> directory, blobs and temporary files when it closes', async () => {
    const { bed } = h;
    await putBlob(bed.gateway, bed.jobId, bytesOf(10));
    await bed.gateway.beginPut(bed.jobId, 100);
    const storageDir = await bed.server.getStorageDir();
    expect(storageDir.startsWith(join(bed.base, 'server', 'blobStore-'))).to.equal(true);
    expect(await filesUnder(storageDir)).to.have.lengthOf(2);
    await bed.server.closeAsync();
    expect(await stat(storageDir).catch(() => 'gone')).to.equal('gone');
  });
});
