// Moves blobs to and from a BlobServer through its gateway, in chunks: a blob's
// bytes never travel in one message. Mirrors Flink's BlobClient (putBuffer,
// uploadFile, downloadFromBlobServer). A download is hashed as it arrives and
// checked against the key before anyone may use it; a failed one leaves nothing.

import { open } from 'node:fs/promises';
import type { JobID } from '../types/ids.js';
import { BlobHashMismatchError, BlobTooLargeError, InvalidBlobRequestError } from './blob-errors.js';
import { BlobKey } from './blob-key.js';
import type { BlobServerGateway } from './blob-server-gateway.js';
import { IncomingBlobFile } from './incoming-blob-file.js';

/** A blob to upload: its bytes, or a local file read chunk by chunk. */
export type BlobSource = Uint8Array | { readonly path: string };

/** Uploads `source` for a job and returns its key (Flink's BlobClient.putBuffer / uploadFile). */
export async function putBlob(
  gateway: BlobServerGateway,
  jobId: JobID,
  source: BlobSource,
): Promise<BlobKey> {
  if (source instanceof Uint8Array) {
    return upload(gateway, jobId, source.byteLength, async (offset, length) =>
      // A copy of its own: a view would carry the whole underlying buffer across the wire.
      source.slice(offset, offset + length),
    );
  }
  const handle = await open(source.path, 'r');
  try {
    const { size } = await handle.stat();
    return await upload(gateway, jobId, size, async (offset, length) => {
      const chunk = new Uint8Array(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(chunk, read, length - read, offset + read);
        if (bytesRead === 0)
          throw new InvalidBlobRequestError(`${source.path} shrank while it was uploaded.`);
        read += bytesRead;
      }
      return chunk;
    });
  } finally {
    await handle.close();
  }
}

async function upload(
  gateway: BlobServerGateway,
  jobId: JobID,
  size: number,
  readChunk: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<BlobKey> {
  const { uploadId, chunkSize } = await gateway.beginPut(jobId, size);
  try {
    for (let offset = 0; offset < size;) {
      const chunk = await readChunk(offset, Math.min(chunkSize, size - offset));
      await gateway.putChunk(uploadId, offset, chunk);
      offset += chunk.byteLength;
    }
    return BlobKey.of(await gateway.finishPut(uploadId));
  } catch (error) {
    // The server drops a refused upload itself; this covers failures on this side.
    await gateway.abortPut(uploadId).catch(() => {});
    throw error;
  }
}

export interface DownloadLimits {
  readonly maxSizeBytes: number;
  readonly chunkSizeBytes: number;
}

/**
 * Downloads a blob into `incomingPath` (which must not exist) and checks that it
 * hashes to `key`. On success the file is complete and checked; on any failure
 * it has been deleted. Over the limit fails before a byte is fetched when the
 * server says so, else as soon as more bytes arrive than announced.
 */
export async function downloadBlob(
  gateway: BlobServerGateway,
  jobId: JobID,
  key: BlobKey,
  incomingPath: string,
  limits: DownloadLimits,
  isCancelled: () => Error | undefined = () => undefined,
): Promise<void> {
  const size = await gateway.getBlobSize(jobId, key);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new InvalidBlobRequestError(
      `The BlobServer announced an invalid size ${String(size)} for blob ${key}.`,
    );
  }
  if (size > limits.maxSizeBytes) {
    throw new BlobTooLargeError(
      `Blob ${key} of job ${jobId} is ${size} bytes, over the limit of ${limits.maxSizeBytes} bytes (blob.max-size).`,
    );
  }
  const file = await IncomingBlobFile.create(incomingPath);
  try {
    while (file.size < size) {
      const cancelled = isCancelled();
      if (cancelled) throw cancelled;
      const wanted = Math.min(limits.chunkSizeBytes, size - file.size);
      const chunk = await gateway.getChunk(jobId, key, file.size, wanted);
      if (!(chunk instanceof Uint8Array) || chunk.byteLength === 0 || chunk.byteLength > wanted) {
        throw new InvalidBlobRequestError(
          `The BlobServer answered a request for ${wanted} bytes of blob ${key} at offset ${file.size} with ` +
            `${chunk instanceof Uint8Array ? `${chunk.byteLength} bytes` : `a ${typeof chunk}`}.`,
        );
      }
      await file.append(chunk);
    }
    const actual = await file.finish();
    if (actual !== key) {
      throw new BlobHashMismatchError(
        `Blob ${key} of job ${jobId} arrived with SHA-256 ${actual}: it was corrupted at the BlobServer or on ` +
          'the way, and was discarded.',
      );
    }
  } catch (error) {
    await file.discard();
    throw error;
  }
}
