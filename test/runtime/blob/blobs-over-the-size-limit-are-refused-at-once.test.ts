// A blob over blob.max-size is refused with ERR_BLOB_TOO_LARGE before its bytes
// move: an upload at beginPut, a download at getBlobSize. A client that sends
// more than it announced, or out of order, loses its upload, temporary file and all.

import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import {
  BlobTooLargeError,
  InvalidBlobRequestError,
  UnknownBlobUploadError,
} from '../../../src/runtime/blob/blob-errors.js';
import { kIncomingDirectory } from '../../../src/runtime/blob/blob-storage.js';
import { bytesOf, filesUnder, useBlobBed } from './testing-blob.js';

const kLimit = 4096;

describe('blobs over the size limit', () => {
  const h = useBlobBed({
    server: { 'blob.max-size': '4 kb', 'blob.chunk-size': 1024 },
    cache: { 'blob.max-size': 2048, 'blob.chunk-size': 1024 },
  });

  it('are refused when the upload begins, before a chunk is sent, leaving no temporary file', async () => {
    const { bed } = h;
    const error = await putBlob(bed.gateway, bed.jobId, bytesOf(kLimit + 1)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BlobTooLargeError);
    expect(error).to.have.property('code', 'ERR_BLOB_TOO_LARGE');
    expect((error as Error).message).to.contain('blob.max-size');
    expect(bed.server.metrics()).to.include({ chunksReceived: 0, uploadsInProgress: 0 });
    expect(await filesUnder(await bed.server.getStorageDir())).to.deep.equal([]);
  });

  it('are accepted up to the limit exactly', async () => {
    const { bed } = h;
    await putBlob(bed.gateway, bed.jobId, bytesOf(kLimit));
    expect(bed.server.metrics().blobsStored).to.equal(1);
  });

  it('fail an upload whose chunks go past the size it announced, and drop its temporary file', async () => {
    const { bed } = h;
    const { uploadId } = await bed.gateway.beginPut(bed.jobId, 1500);
    await bed.gateway.putChunk(uploadId, 0, bytesOf(1000));
    const incoming = join(await bed.server.getStorageDir(), kIncomingDirectory);
    expect(await readdir(incoming)).to.have.lengthOf(1);
    const error = await bed.gateway.putChunk(uploadId, 1000, bytesOf(1000)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InvalidBlobRequestError);
    expect(error).to.have.property('code', 'ERR_BLOB_INVALID_REQUEST');
    expect(await readdir(incoming)).to.deep.equal([]);
    const again = await bed.gateway.finishPut(uploadId).catch((e: unknown) => e);
    expect(again).to.be.instanceOf(UnknownBlobUploadError);
  });

  it('fail an upload whose chunk comes out of order, or is larger than a chunk', async () => {
    const { bed } = h;
    const first = await bed.gateway.beginPut(bed.jobId, 3000);
    const skipped = await bed.gateway.putChunk(first.uploadId, 1000, bytesOf(10)).catch((e: unknown) => e);
    expect(skipped).to.be.instanceOf(InvalidBlobRequestError);
    const second = await bed.gateway.beginPut(bed.jobId, 3000);
    const oversized = await bed.gateway.putChunk(second.uploadId, 0, bytesOf(2000)).catch((e: unknown) => e);
    expect(oversized).to.be.instanceOf(InvalidBlobRequestError);
    expect((oversized as Error).message).to.contain('blob.chunk-size');
    expect(bed.server.metrics().uploadsInProgress).to.equal(0);
    expect(await filesUnder(await bed.server.getStorageDir())).to.deep.equal([]);
  });

  it('fail an upload that finishes short of the size it announced, keeping nothing', async () => {
    const { bed } = h;
    const { uploadId } = await bed.gateway.beginPut(bed.jobId, 1500);
    await bed.gateway.putChunk(uploadId, 0, bytesOf(1000));
    const error = await bed.gateway.finishPut(uploadId).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InvalidBlobRequestError);
    expect(await filesUnder(await bed.server.getStorageDir())).to.deep.equal([]);
  });

  it('are refused by a cache with a lower limit before a chunk is fetched, leaving nothing in its directory', async () => {
    const { bed } = h;
    const key = await putBlob(bed.gateway, bed.jobId, bytesOf(3000));
    bed.cache.registerJob(bed.jobId);
    const error = await bed.cache.getFile(bed.jobId, key).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BlobTooLargeError);
    expect(error).to.have.property('code', 'ERR_BLOB_TOO_LARGE');
    expect(bed.server.metrics().chunksServed).to.equal(0);
    expect(await filesUnder(bed.cache.getStorageDir())).to.deep.equal([]);
  });
});
