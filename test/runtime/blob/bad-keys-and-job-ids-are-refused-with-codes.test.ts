// Nothing a caller sends becomes a path unchecked: a key that is not 64 lowercase
// hex digits fails with ERR_BLOB_INVALID_KEY, a job id that could leave the
// storage directory with ERR_BLOB_INVALID_REQUEST, at the server, the cache and
// the task-module resolver alike, and no file outside the directory is touched.

import { expect } from 'chai';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { putBlob } from '../../../src/runtime/blob/blob-client.js';
import { InvalidBlobKeyError, InvalidBlobRequestError } from '../../../src/runtime/blob/blob-errors.js';
import type { BlobKey } from '../../../src/runtime/blob/blob-key.js';
import { resolveTaskInvokable } from '../../../src/runtime/blob/blob-task-module.js';
import type { JobID } from '../../../src/runtime/types/ids.js';
import { bytesOf, filesUnder, useBlobBed } from './testing-blob.js';

const kBadKeys: unknown[] = [
  '../../../../etc/passwd',
  `../${'a'.repeat(61)}`,
  'A'.repeat(64),
  'a'.repeat(63),
  'a'.repeat(65),
  `${'a'.repeat(63)}/`,
  '',
  42,
  null,
  ['a'.repeat(64)],
];
const kBadJobIds: unknown[] = ['..', '../job', 'a/b', 'a\\b', '', 'x'.repeat(129), 'job\u0000', 7, undefined];

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a refusal'),
    (error: unknown) => error,
  );
}

describe('bad blob keys and job ids', () => {
  const h = useBlobBed();

  it('are refused by every BlobServer call with a coded error', async () => {
    const { bed } = h;
    const key = await putBlob(bed.gateway, bed.jobId, bytesOf(10));
    for (const bad of kBadKeys) {
      for (const call of [
        bed.gateway.getBlobSize(bed.jobId, bad as BlobKey),
        bed.gateway.getChunk(bed.jobId, bad as BlobKey, 0, 10),
      ]) {
        const error = await failure(call);
        expect(error, String(bad)).to.be.instanceOf(InvalidBlobKeyError);
        expect(error).to.have.property('code', 'ERR_BLOB_INVALID_KEY');
      }
    }
    for (const bad of kBadJobIds) {
      for (const call of [
        bed.gateway.getBlobSize(bad as JobID, key),
        bed.gateway.getChunk(bad as JobID, key, 0, 1),
        bed.gateway.beginPut(bad as JobID, 1),
        bed.gateway.cleanupJob(bad as JobID),
      ]) {
        const error = await failure(call);
        expect(error, String(bad)).to.be.instanceOf(InvalidBlobRequestError);
        expect(error).to.have.property('code', 'ERR_BLOB_INVALID_REQUEST');
      }
    }
    for (const [offset, length] of [
      [-1, 1],
      [0, -1],
      [0.5, 1],
      [0, Number.NaN],
    ] as const) {
      expect(await failure(bed.gateway.getChunk(bed.jobId, key, offset, length))).to.be.instanceOf(
        InvalidBlobRequestError,
      );
    }
    expect(await failure(bed.gateway.beginPut(bed.jobId, -5))).to.be.instanceOf(InvalidBlobRequestError);
  });

  it('cannot reach a file next to the storage directory', async () => {
    const { bed } = h;
    const storageDir = await bed.server.getStorageDir();
    const outside = join(storageDir, '..', 'outside.txt');
    await writeFile(outside, 'keep me');
    await failure(bed.gateway.getChunk('..' as JobID, 'outside.txt' as BlobKey, 0, 100));
    await failure(bed.gateway.cleanupJob('../..' as JobID));
    expect(await readFile(outside, 'utf8')).to.equal('keep me');
    expect(await filesUnder(storageDir)).to.deep.equal([]);
  });

  it('are refused by the cache and by the task-module resolver before anything is fetched', async () => {
    const { bed } = h;
    bed.cache.registerJob(bed.jobId);
    for (const bad of kBadKeys) {
      expect(await failure(bed.cache.getFile(bed.jobId, bad as BlobKey))).to.be.instanceOf(
        InvalidBlobKeyError,
      );
    }
    for (const bad of kBadJobIds) {
      expect(() => bed.cache.registerJob(bad as JobID)).to.throw(InvalidBlobRequestError);
    }
    for (const module of ['blob:../../etc/passwd', 'blob:', `blob:${'F'.repeat(64)}`]) {
      const error = await failure(
        resolveTaskInvokable(bed.jobId, { module, exportName: 'default', args: [] }, bed.cache),
      );
      expect(error, module).to.be.instanceOf(InvalidBlobKeyError);
    }
    expect(bed.server.metrics().chunksServed).to.equal(0);
    expect(await filesUnder(bed.cache.getStorageDir())).to.deep.equal([]);
  });
});
