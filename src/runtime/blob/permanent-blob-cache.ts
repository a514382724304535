// A TaskManager process's cache of its jobs' blobs. Mirrors Flink's
// PermanentBlobCache: jobs are reference-counted (registerJob/releaseJob), a
// blob is downloaded from the BlobServer once per process however many callers
// ask at once, its SHA-256 is checked before it is renamed into place, and a
// job's files are deleted blob.service.cleanup.interval after its last release.
// Flink sweeps every interval (files live up to twice as long); here each
// released job has its own timer, so they live exactly the interval.

import { rm } from 'node:fs/promises';
import { getLogger } from '../../actor/logger.js';
import {
  HandshakeError,
  OutboundQueueFullError,
  RecipientUnreachableError,
  RemoteHandshakeError,
  RpcConnectionError,
  RpcTimeoutError,
} from '../../rpc/errors.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import { Configuration } from '../configuration/configuration.js';
import type { JobID } from '../types/ids.js';
import { downloadBlob } from './blob-client.js';
import { BlobError, BlobJobNotRegisteredError, BlobServiceClosedError } from './blob-errors.js';
import { BlobKey, checkJobId } from './blob-key.js';
import { BlobServerGateway } from './blob-server-gateway.js';
import { BlobServiceConfiguration } from './blob-service-configuration.js';
import { BlobStorage } from './blob-storage.js';

const log = getLogger('permanent-blob-cache');

/** Where task code gets a job's blob as a local file (Flink's PermanentBlobService). */
export interface PermanentBlobService {
  /** A local path of the blob, fetched and checked once per process. The job must be registered. */
  getFile(jobId: JobID, key: BlobKey): Promise<string>;
}

export interface PermanentBlobCacheInit {
  /** The service whose transport reaches the BlobServer. */
  readonly rpcService: RpcService;
  /** The BlobServer endpoint's address; may be given later with setBlobServerAddress. */
  readonly serverAddress?: string;
  /** blob.* options; see BlobServerOptions. */
  readonly configuration?: Configuration;
  /** Drives the cleanup TTL and retry pauses; default the RpcService's scheduled executor. */
  readonly scheduledExecutor?: ScheduledExecutor;
}

/** A job's reference count (Flink's RefCount) and what the cache holds for it. */
interface JobEntry {
  references: number;
  cleanup: ScheduledTask | undefined;
  readonly files: Map<BlobKey, Promise<string>>;
  readonly downloads: Set<Promise<unknown>>;
  removed: boolean;
}

const kFirstRetryPauseMs = 100;
const kMaxRetryPauseMs = 5000;

export class PermanentBlobCache implements PermanentBlobService {
  readonly config: BlobServiceConfiguration;
  private readonly jobs = new Map<JobID, JobEntry>();
  /** Deletions of job directories under way; a new download of that job waits for them. */
  private readonly cleanups = new Map<JobID, Promise<void>>();
  private readonly pauses = new Set<() => void>();
  private readonly scheduler: ScheduledExecutor;
  private serverAddress: string | undefined;
  private gateway: Promise<BlobServerGateway> | undefined;
  private closing: Promise<void> | undefined;
  private downloads = 0;

  private constructor(
    private readonly rpcService: RpcService,
    private readonly storage: BlobStorage,
    config: BlobServiceConfiguration,
    init: PermanentBlobCacheInit,
  ) {
    this.config = config;
    this.serverAddress = init.serverAddress;
    this.scheduler = init.scheduledExecutor ?? rpcService.getScheduledExecutor();
  }

  /** Creates the cache and its blobStore-<uuid> directory under blob.storage.directory. */
  static async create(init: PermanentBlobCacheInit): Promise<PermanentBlobCache> {
    const config = BlobServiceConfiguration.fromConfiguration(init.configuration ?? new Configuration());
    const storage = await BlobStorage.create(config.storageDirectory);
    log.info(`Created permanent BLOB cache storage directory ${storage.storageDir}.`);
    return new PermanentBlobCache(init.rpcService, storage, config, init);
  }

  getStorageDir(): string {
    return this.storage.storageDir;
  }

  /** Where the blob is (or would be) kept; for tests and diagnostics. */
  getStorageLocation(jobId: JobID, key: BlobKey): string {
    return this.storage.storageLocation(checkJobId(jobId), BlobKey.of(key));
  }

  /** Points the cache at a (new) BlobServer, e.g. after a JobManager failover. */
  setBlobServerAddress(address: string): void {
    this.serverAddress = address;
    this.gateway = undefined;
  }

  metrics(): { readonly downloads: number; readonly cachedJobs: number } {
    return { downloads: this.downloads, cachedJobs: this.jobs.size };
  }

  // ---- reference counting ------------------------------------------------------------

  /** Registers a use of the job's blobs; getFile is only valid between this and releaseJob. */
  registerJob(jobId: JobID): void {
    this.checkOpen();
    const job = checkJobId(jobId);
    let entry = this.jobs.get(job);
    if (!entry) {
      entry = { references: 0, cleanup: undefined, files: new Map(), downloads: new Set(), removed: false };
      this.jobs.set(job, entry);
    }
    entry.cleanup?.cancel();
    entry.cleanup = undefined;
    entry.references++;
  }

  /** Releases one use; with the last, the job's files are deleted after the cleanup interval. */
  releaseJob(jobId: JobID): void {
    const job = checkJobId(jobId);
    const entry = this.jobs.get(job);
    if (!entry || entry.references === 0) {
      log.warn(
        `improper use of releaseJob() without a matching number of registerJob() calls for jobId ${job}`,
      );
      return;
    }
    if (--entry.references > 0 || this.closing) return;
    entry.cleanup = this.scheduler.schedule(() => {
      if (this.jobs.get(job) === entry && entry.references === 0) this.cleanupJob(job, entry);
    }, this.config.cleanupIntervalMs);
  }

  getNumberOfReferenceHolders(jobId: JobID): number {
    return this.jobs.get(checkJobId(jobId))?.references ?? 0;
  }

  // ---- files -------------------------------------------------------------------------

  getFile(jobId: JobID, key: BlobKey): Promise<string> {
    try {
      this.checkOpen();
      const job = checkJobId(jobId);
      const blobKey = BlobKey.of(key);
      const entry = this.jobs.get(job);
      if (!entry || entry.references === 0) {
        throw new BlobJobNotRegisteredError(
          `Job ${job} is not registered at the BlobCache: call registerJob before getFile.`,
        );
      }
      const known = entry.files.get(blobKey);
      if (known) return known;
      const download = this.fetch(job, entry, blobKey);
      entry.files.set(blobKey, download);
      entry.downloads.add(download);
      const settle = () => entry.downloads.delete(download);
      download.then(settle, () => {
        settle();
        // A failed download is forgotten, so that the next getFile tries again.
        if (entry.files.get(blobKey) === download) entry.files.delete(blobKey);
      });
      return download;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async fetch(job: JobID, entry: JobEntry, key: BlobKey): Promise<string> {
    await this.cleanups.get(job);
    const cancelled = () => this.cancellation(job, entry);
    let incoming: string;
    for (let attempt = 0; ; attempt++) {
      incoming = this.storage.createTemporaryFilename();
      const connection = this.connect();
      try {
        await downloadBlob(await connection, job, key, incoming, this.config, cancelled);
        break;
      } catch (error) {
        if (!isTransient(error) || attempt >= this.config.fetchRetries || cancelled()) throw error;
        // The next attempt connects afresh, unless another download already did.
        if (this.gateway === connection) this.gateway = undefined;
        const pauseMs = Math.min(kFirstRetryPauseMs * 2 ** attempt, kMaxRetryPauseMs);
        log.info(
          `Failed to fetch blob ${key} of job ${job} (attempt ${attempt + 1}); retrying in ${pauseMs} ms.`,
          error,
        );
        await this.pause(pauseMs);
      }
    }
    // The job's directory may have been removed, or the cache closed, while this ran.
    const refused = cancelled();
    if (refused) {
      await rm(incoming, { force: true });
      throw refused;
    }
    const path = await this.storage.moveTempFileToStore(incoming, job, key);
    this.downloads++;
    return path;
  }

  private cleanupJob(job: JobID, entry: JobEntry): void {
    entry.removed = true;
    this.jobs.delete(job);
    const previous = this.cleanups.get(job) ?? Promise.resolve();
    const done = previous
      .then(() => Promise.allSettled([...entry.downloads]))
      .then(() => this.storage.deleteJobDirectory(job))
      .then(
        () => log.debug(`Deleted the cached blobs of job ${job}.`),
        (error: unknown) => log.warn(`Failed to locally delete the blobs of job ${job}:`, error),
      );
    this.cleanups.set(job, done);
    void done.then(() => {
      if (this.cleanups.get(job) === done) this.cleanups.delete(job);
    });
  }

  // ---- connection and retries -------------------------------------------------------------

  private connect(): Promise<BlobServerGateway> {
    const address = this.serverAddress;
    if (address === undefined) {
      return Promise.reject(
        new BlobError('Cannot download from the BlobServer, because the server address is unknown.'),
      );
    }
    if (!this.gateway) {
      const connecting = this.rpcService.connect(address, BlobServerGateway);
      this.gateway = connecting;
      connecting.catch(() => {
        if (this.gateway === connecting) this.gateway = undefined;
      });
    }
    return this.gateway;
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const abort = () => {
        task.cancel();
        reject(new BlobServiceClosedError('The BlobCache was closed during a download.'));
      };
      const task = this.scheduler.schedule(() => {
        this.pauses.delete(abort);
        resolve();
      }, ms);
      this.pauses.add(abort);
    });
  }

  private cancellation(job: JobID, entry: JobEntry): Error | undefined {
    if (this.closing) return new BlobServiceClosedError('The BlobCache was closed during a download.');
    if (entry.removed) return new BlobJobNotRegisteredError(`Job ${job} was released during a download.`);
    return undefined;
  }

  private checkOpen(): void {
    if (this.closing) throw new BlobServiceClosedError('The BlobCache is closed.');
  }

  // ---- shutdown --------------------------------------------------------------------------

  /** Stops downloads, cancels the cleanup timers and deletes the storage directory at once. */
  closeAsync(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    for (const abort of [...this.pauses]) abort();
    this.pauses.clear();
    const downloads: Promise<unknown>[] = [];
    for (const entry of this.jobs.values()) {
      entry.cleanup?.cancel();
      downloads.push(...entry.downloads);
    }
    await Promise.allSettled([...downloads, ...this.cleanups.values()]);
    this.jobs.clear();
    await this.storage.destroy();
    log.info('Shut down the permanent BLOB cache.');
  }
}

/** A failure of the way, not of the blob: worth another attempt (blob.fetch.retries). */
function isTransient(error: unknown): boolean {
  if (error instanceof HandshakeError || error instanceof RemoteHandshakeError) return false;
  return (
    error instanceof RecipientUnreachableError ||
    error instanceof RpcTimeoutError ||
    error instanceof RpcConnectionError ||
    error instanceof OutboundQueueFullError
  );
}
