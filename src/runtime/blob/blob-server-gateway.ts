// The BlobServer's RPC interface. Flink's BlobServer speaks its own socket
// protocol (BlobServerProtocol: PUT and GET of length-prefixed blocks); here the
// same operations are asks on the JobManager's RpcService, cut into chunks of
// blob.chunk-size so that no message nears the frame limit (maxFrameBytes).
//
// Upload: beginPut → putChunk at offsets 0, n, 2n, … in order → finishPut, which
// returns the key. Download: getBlobSize, then getChunk until the size is read.

import { defineGateway, type RpcGateway } from '../../rpc/gateway.js';
import type { JobID } from '../types/ids.js';
import type { BlobKey } from './blob-key.js';

export const kBlobServerEndpointId = 'blob_server';

export interface BlobUploadTicket {
  /** Names the upload in putChunk, finishPut and abortPut. */
  readonly uploadId: string;
  /** The largest chunk putChunk accepts; the client sends chunks of at most this many bytes. */
  readonly chunkSize: number;
}

export interface BlobServerGateway extends RpcGateway {
  /**
   * Starts an upload of `expectedSize` bytes for a job. Refuses at once, with
   * BlobTooLargeError, a size over blob.max-size.
   */
  beginPut(jobId: JobID, expectedSize: number): Promise<BlobUploadTicket>;
  /**
   * Appends a chunk at `offset`, which must be the number of bytes received so
   * far. A chunk that would take the upload past its expected size or the limit
   * fails it at once; its temporary file is deleted and the upload forgotten.
   */
  putChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<void>;
  /** Checks the size, moves the file under its SHA-256 and returns that key. */
  finishPut(uploadId: string): Promise<BlobKey>;
  /** Drops an upload and its temporary file; unknown ids are ignored. */
  abortPut(uploadId: string): Promise<void>;
  /** The size of a stored blob; BlobNotFoundError when there is none. */
  getBlobSize(jobId: JobID, key: BlobKey): Promise<number>;
  /** Up to `length` bytes (at most the chunk size) from `offset`; empty at the end. */
  getChunk(jobId: JobID, key: BlobKey, offset: number, length: number): Promise<Uint8Array>;
  /** Deletes every blob of the job and drops its uploads (Flink's BlobServer.cleanupJob). */
  cleanupJob(jobId: JobID): Promise<void>;
}

export const BlobServerGateway = defineGateway<BlobServerGateway>('BlobServerGateway', {
  beginPut: 'ask',
  putChunk: 'ask',
  finishPut: 'ask',
  abortPut: 'ask',
  getBlobSize: 'ask',
  getChunk: 'ask',
  cleanupJob: 'ask',
});
