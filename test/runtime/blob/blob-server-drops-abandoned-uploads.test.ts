// An upload that receives no chunk for blob.upload.timeout is dropped with its
// temporary file; each chunk restarts the timeout. Closing the server removes
// the temporary files of uploads still under way. Time is a ManualExecutor.

import { expect } from 'chai';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UnknownBlobUploadError } from '../../../src/runtime/blob/blob-errors.js';
import { kIncomingDirectory } from '../../../src/runtime/blob/blob-storage.js';
import { eventually } from '../../support/eventually.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { bytesOf, useBlobBed } from './testing-blob.js';

const kTimeoutMs = 60_000;

describe('BlobServer: abandoned uploads', () => {
  let executor: ManualExecutor;
  const h = useBlobBed(() => {
    executor = new ManualExecutor();
    return { server: { 'blob.upload.timeout': '1 min' }, serverExecutor: executor };
  });

  it('drops an upload that received no chunk for blob.upload.timeout, and deletes its temporary file', async () => {
    const { bed } = h;
    const incoming = join(await bed.server.getStorageDir(), kIncomingDirectory);
    const { uploadId } = await bed.gateway.beginPut(bed.jobId, 100);
    executor.advance(kTimeoutMs - 1);
    await bed.gateway.putChunk(uploadId, 0, bytesOf(50));
    executor.advance(kTimeoutMs - 1);
    expect(bed.server.metrics().uploadsInProgress).to.equal(1);
    expect(await readdir(incoming)).to.have.lengthOf(1);

    executor.advance(1);
    await eventually(() => bed.server.metrics().uploadsExpired === 1, 'the upload to expire');
    expect(bed.server.metrics().uploadsInProgress).to.equal(0);
    const error = await bed.gateway.putChunk(uploadId, 50, bytesOf(50)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UnknownBlobUploadError);
    expect(error).to.have.property('code', 'ERR_BLOB_UNKNOWN_UPLOAD');
    expect(await readdir(incoming)).to.deep.equal([]);
  });

  it('cancels the timeout of an upload that finished, and of one that was aborted', async () => {
    const { bed } = h;
    const finished = await bed.gateway.beginPut(bed.jobId, 1);
    await bed.gateway.putChunk(finished.uploadId, 0, bytesOf(1));
    await bed.gateway.finishPut(finished.uploadId);
    const aborted = await bed.gateway.beginPut(bed.jobId, 1);
    await bed.gateway.abortPut(aborted.uploadId);
    expect(executor.pendingCount).to.equal(0);
    expect(await readdir(join(await bed.server.getStorageDir(), kIncomingDirectory))).to.deep.equal([]);
  });

  it('deletes the temporary files of unfinished uploads when it closes', async () => {
    const { bed } = h;
    const storageDir = await bed.server.getStorageDir();
    for (let i = 0; i < 3; i++) {
      const { uploadId } = await bed.gateway.beginPut(bed.jobId, 100);
      await bed.gateway.putChunk(uploadId, 0, bytesOf(10, i));
    }
    await bed.server.closeAsync();
    expect(executor.pendingCount).to.equal(0);
    expect(await stat(storageDir).catch(() => 'gone')).to.equal('gone');
  });
});
