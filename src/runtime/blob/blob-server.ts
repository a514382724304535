// The JobManager's BlobServer: stores a job's blobs (its task modules) under
// their SHA-256 and serves them in chunks. Mirrors Flink's BlobServer and
// BlobServerConnection, but is an RpcEndpoint (id `blob_server`) on the
// JobManager's RpcService instead of a socket server of its own, so it rides the
// same mutually authenticated transport and needs no port (blob.server.port).
//
// An upload is written to a temporary file and hashed as it arrives; the size
// limit is checked on every chunk, and only a complete upload is renamed into
// place. An upload that goes quiet for blob.upload.timeout is dropped. With
// ZooKeeper HA a BlobStore keeps a copy of every blob for the jobmanager that
// takes over after a failover (Flink's BlobServer with its BlobStoreService).

import { nanoid } from 'nanoid';
import { open, rm } from 'node:fs/promises';
import { getLogger } from '../../actor/logger.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import { Configuration } from '../configuration/configuration.js';
import type { JobID } from '../types/ids.js';
import {
  BlobNotFoundError,
  BlobServiceClosedError,
  BlobTooLargeError,
  InvalidBlobRequestError,
  UnknownBlobUploadError,
} from './blob-errors.js';
import { BlobKey, checkJobId } from './blob-key.js';
import { BlobServerGateway, kBlobServerEndpointId, type BlobUploadTicket } from './blob-server-gateway.js';
import { BlobServiceConfiguration } from './blob-service-configuration.js';
import { BlobStorage, isNotFound } from './blob-storage.js';
import type { BlobStore } from './file-system-blob-store.js';
import { IncomingBlobFile } from './incoming-blob-file.js';

const log = getLogger('blob-server');

export interface BlobServerInit {
  /** blob.* options; see BlobServerOptions. */
  readonly configuration?: Configuration;
  /** Default `blob_server`. */
  readonly endpointId?: string;
  /** Drives upload timeouts; the endpoint's own timers when absent (a ManualExecutor in tests). */
  readonly scheduledExecutor?: ScheduledExecutor;
  /** With ZooKeeper HA: every blob is copied here before its key is returned, and read back on a miss. */
  readonly blobStore?: BlobStore;
}

export interface BlobServerMetrics {
  readonly uploadsInProgress: number;
  readonly chunksReceived: number;
  readonly chunksServed: number;
  readonly blobsStored: number;
  readonly uploadsExpired: number;
}

interface BlobUpload {
  readonly id: string;
  readonly jobId: JobID;
  readonly expectedSize: number;
  readonly file: IncomingBlobFile;
  deadline: ScheduledTask;
}

type Counters = { -readonly [K in keyof BlobServerMetrics]: BlobServerMetrics[K] };

export class BlobServer extends RpcEndpoint implements Omit<BlobServerGateway, 'getAddress' | 'getHostname'> {
  static override gateways = [BlobServerGateway];

  readonly config: BlobServiceConfiguration;
  private readonly scheduler: ScheduledExecutor;
  private readonly blobStore: BlobStore | undefined;
  /** Settles once onStart has created the storage directory. */
  private readonly storageReady: Promise<BlobStorage>;
  private settleStorage!: { resolve(storage: BlobStorage): void; reject(error: unknown): void };
  private readonly uploads = new Map<string, BlobUpload>();
  /** File operations under way; onStop waits for them before it removes the directory. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private readonly counters: Counters = {
    uploadsInProgress: 0,
    chunksReceived: 0,
    chunksServed: 0,
    blobsStored: 0,
    uploadsExpired: 0,
  };

  constructor(rpcService: RpcService, init: BlobServerInit = {}) {
    const config = BlobServiceConfiguration.fromConfiguration(init.configuration ?? new Configuration());
    super(rpcService, init.endpointId ?? kBlobServerEndpointId);
    this.config = config;
    this.scheduler = this.mainThreadScheduler(init.scheduledExecutor);
    this.blobStore = init.blobStore;
    this.storageReady = new Promise<BlobStorage>((resolve, reject) => {
      this.settleStorage = { resolve, reject };
    });
    this.storageReady.catch(() => {});
  }

  /** The blobStore-<uuid> directory, once the server has started and created it. */
  async getStorageDir(): Promise<string> {
    return (await this.storage()).storageDir;
  }

  metrics(): BlobServerMetrics {
    return { ...this.counters, uploadsInProgress: this.uploads.size };
  }

  protected override async onStart(): Promise<void> {
    BlobStorage.create(this.config.storageDirectory).then(
      this.settleStorage.resolve,
      this.settleStorage.reject,
    );
    const storage = await this.storageReady;
    log.info(`Started BlobServer ${this.getAddress()} with storage directory ${storage.storageDir}.`);
  }

  protected override async onStop(): Promise<void> {
    this.closed = true;
    const uploads = [...this.uploads.values()];
    this.uploads.clear();
    for (const upload of uploads) upload.deadline.cancel();
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled(uploads.map((upload) => upload.file.discard()));
    // onStop only follows onStart, which has started to create the directory.
    const storage = await this.storageReady.catch(() => undefined);
    await storage?.destroy();
  }

  // ---- upload --------------------------------------------------------------------

  async beginPut(jobId: JobID, expectedSize: number): Promise<BlobUploadTicket> {
    const storage = await this.storage();
    const job = checkJobId(jobId);
    if (!Number.isSafeInteger(expectedSize) || expectedSize < 0) {
      throw new InvalidBlobRequestError(
        `The size of a blob must be a whole number ≥ 0, got ${String(expectedSize)}.`,
      );
    }
    if (expectedSize > this.config.maxSizeBytes) throw this.tooLarge(expectedSize);
    const file = await this.track(IncomingBlobFile.create(storage.createTemporaryFilename()));
    if (this.closed) {
      await file.discard();
      throw this.closedError();
    }
    const id = nanoid();
    const upload: BlobUpload = { id, jobId: job, expectedSize, file, deadline: this.scheduleExpiry(id) };
    this.uploads.set(id, upload);
    return { uploadId: id, chunkSize: this.config.chunkSizeBytes };
  }

  async putChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<void> {
    const upload = this.upload(uploadId);
    const received = upload.file.size;
    let refusal: Error | undefined;
    if (!(bytes instanceof Uint8Array)) {
      refusal = new InvalidBlobRequestError(`A chunk must be a Uint8Array, got ${typeof bytes}.`);
    } else if (offset !== received) {
      refusal = new InvalidBlobRequestError(
        `Chunk at offset ${String(offset)} for upload ${uploadId}, which has received ${received} bytes: ` +
          'chunks must arrive in order.',
      );
    } else if (bytes.byteLength > this.config.chunkSizeBytes) {
      refusal = new InvalidBlobRequestError(
        `A chunk of ${bytes.byteLength} bytes is over the chunk size of ${this.config.chunkSizeBytes} bytes (blob.chunk-size).`,
      );
    } else if (received + bytes.byteLength > this.config.maxSizeBytes) {
      refusal = this.tooLarge(received + bytes.byteLength);
    } else if (received + bytes.byteLength > upload.expectedSize) {
      refusal = new InvalidBlobRequestError(
        `Upload ${uploadId} received more than the ${upload.expectedSize} bytes it announced.`,
      );
    }
    if (refusal) {
      await this.drop(upload);
      throw refusal;
    }
    this.counters.chunksReceived++;
    upload.deadline.cancel();
    upload.deadline = this.scheduleExpiry(upload.id);
    try {
      await this.track(upload.file.append(bytes));
    } catch (error) {
      await this.drop(upload);
      throw error;
    }
  }

  async finishPut(uploadId: string): Promise<BlobKey> {
    const upload = this.upload(uploadId);
    // Forgotten before the first await, so that a chunk arriving meanwhile is refused.
    this.uploads.delete(upload.id);
    upload.deadline.cancel();
    const { file } = upload;
    try {
      const storage = await this.storage();
      if (file.size !== upload.expectedSize) {
        throw new InvalidBlobRequestError(
          `Upload ${uploadId} announced ${upload.expectedSize} bytes but received ${file.size}.`,
        );
      }
      const key = await this.track(file.finish());
      if (this.closed) throw this.closedError();
      const stored = await this.track(storage.moveTempFileToStore(file.path, upload.jobId, key));
      // Durable before the client hears the key: the job may be recovered by another jobmanager.
      await this.track(this.blobStore?.put(stored, upload.jobId, key) ?? Promise.resolve());
      this.counters.blobsStored++;
      log.debug(`Stored blob ${key} of job ${upload.jobId} (${file.size} bytes).`);
      return key;
    } catch (error) {
      await file.discard();
      throw error;
    }
  }

  async abortPut(uploadId: string): Promise<void> {
    const upload = typeof uploadId === 'string' ? this.uploads.get(uploadId) : undefined;
    if (upload) await this.drop(upload);
  }

  // ---- download ------------------------------------------------------------------

  async getBlobSize(jobId: JobID, key: BlobKey): Promise<number> {
    const storage = await this.storage();
    const job = checkJobId(jobId);
    const blobKey = BlobKey.of(key);
    const size =
      (await this.track(storage.sizeOf(job, blobKey))) ??
      (await this.track(this.fetchFromBlobStore(storage, job, blobKey)));
    if (size === undefined) throw notFound(job, blobKey);
    return size;
  }

  async getChunk(jobId: JobID, key: BlobKey, offset: number, length: number): Promise<Uint8Array> {
    const storage = await this.storage();
    const job = checkJobId(jobId);
    const blobKey = BlobKey.of(key);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new InvalidBlobRequestError(
        `Offset and length must be whole numbers ≥ 0, got ${String(offset)} and ${String(length)}.`,
      );
    }
    this.counters.chunksServed++;
    return this.track(
      readChunk(
        storage.storageLocation(job, blobKey),
        offset,
        Math.min(length, this.config.chunkSizeBytes),
        job,
        blobKey,
      ),
    );
  }

  // ---- cleanup -------------------------------------------------------------------

  async cleanupJob(jobId: JobID): Promise<void> {
    const storage = await this.storage();
    const job = checkJobId(jobId);
    const dropped = [...this.uploads.values()].filter((upload) => upload.jobId === job);
    await Promise.all(dropped.map((upload) => this.drop(upload)));
    await this.track(
      Promise.all([storage.deleteJobDirectory(job), this.blobStore?.deleteAll(job) ?? Promise.resolve()]),
    );
    log.debug(`Deleted the blobs of job ${job}.`);
  }

  /** A blob another BlobServer took: copied from the BlobStore into local storage; its size, or undefined. */
  private async fetchFromBlobStore(
    storage: BlobStorage,
    job: JobID,
    key: BlobKey,
  ): Promise<number | undefined> {
    if (!this.blobStore) return undefined;
    const temporary = storage.createTemporaryFilename();
    try {
      if (!(await this.blobStore.get(job, key, temporary))) return undefined;
      await storage.moveTempFileToStore(temporary, job, key);
    } finally {
      await rm(temporary, { force: true });
    }
    return storage.sizeOf(job, key);
  }

  // ---- internals -----------------------------------------------------------------

  private async storage(): Promise<BlobStorage> {
    if (this.closed) throw this.closedError();
    return this.storageReady;
  }

  private upload(uploadId: string): BlobUpload {
    if (this.closed) throw this.closedError();
    const upload = typeof uploadId === 'string' ? this.uploads.get(uploadId) : undefined;
    if (!upload) {
      throw new UnknownBlobUploadError(
        `Unknown upload ${JSON.stringify(String(uploadId).slice(0, 40))}: it was never begun, has finished or ` +
          `failed, or received no chunk for ${this.config.uploadTimeoutMs} ms (blob.upload.timeout).`,
      );
    }
    return upload;
  }

  private scheduleExpiry(uploadId: string): ScheduledTask {
    return this.scheduler.schedule(() => {
      const upload = this.uploads.get(uploadId);
      if (!upload) return;
      log.warn(
        `Dropping upload ${uploadId} of job ${upload.jobId}: no chunk for ${this.config.uploadTimeoutMs} ms.`,
      );
      // Counted once its file is gone, so that the count says the cleanup is done.
      void this.drop(upload).then(() => this.counters.uploadsExpired++);
    }, this.config.uploadTimeoutMs);
  }

  /** Forgets an upload and deletes its temporary file. */
  private async drop(upload: BlobUpload): Promise<void> {
    if (this.uploads.get(upload.id) === upload) this.uploads.delete(upload.id);
    upload.deadline.cancel();
    await this.track(upload.file.discard()).catch((error: unknown) =>
      log.warn(`Could not delete the temporary file ${upload.file.path}:`, error),
    );
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    this.inFlight.add(operation);
    const forget = () => this.inFlight.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  private tooLarge(size: number): BlobTooLargeError {
    return new BlobTooLargeError(
      `The blob is ${size} bytes or more, over the limit of ${this.config.maxSizeBytes} bytes (blob.max-size).`,
    );
  }

  private closedError(): BlobServiceClosedError {
    return new BlobServiceClosedError(`The BlobServer ${this.endpointId} is closed.`);
  }
}

async function readChunk(
  path: string,
  offset: number,
  length: number,
  jobId: JobID,
  key: BlobKey,
): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isNotFound(error)) throw notFound(jobId, key);
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const wanted = Math.max(0, Math.min(length, size - offset));
    // Exactly `wanted` bytes in a buffer of their own: a view into a larger buffer
    // would carry the whole buffer across the wire.
    const chunk = new Uint8Array(wanted);
    let read = 0;
    while (read < wanted) {
      const { bytesRead } = await handle.read(chunk, read, wanted - read, offset + read);
      if (bytesRead === 0) return chunk.slice(0, read);
      read += bytesRead;
    }
    return chunk;
  } finally {
    await handle.close();
  }
}

function notFound(jobId: JobID, key: BlobKey): BlobNotFoundError {
  return new BlobNotFoundError(`There is no blob ${key} for job ${jobId} at the BlobServer.`);
}
