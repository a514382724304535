// The process's PermanentBlobCache as an RpcEndpoint (id `blob_cache`), so that
// the TaskExecutors in a TaskManager's worker threads share one cache and a blob
// is downloaded once per process, not once per thread. The paths it answers are
// local to the process, hence valid in every thread of it. Flink needs no such
// endpoint: its TaskExecutors share the JVM's heap.

import { defineGateway, type RpcGateway } from '../../rpc/gateway.js';
import { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { JobID } from '../types/ids.js';
import type { BlobKey } from './blob-key.js';
import type { PermanentBlobCache, PermanentBlobService } from './permanent-blob-cache.js';

export const kBlobCacheEndpointId = 'blob_cache';

export interface BlobCacheGateway extends RpcGateway {
  registerJob(jobId: JobID): Promise<void>;
  releaseJob(jobId: JobID): Promise<void>;
  /** A download may take longer than an ask's default timeout, so the caller gives one. */
  getFile(jobId: JobID, key: BlobKey, timeoutMs: number): Promise<string>;
}

export const BlobCacheGateway = defineGateway<BlobCacheGateway>('BlobCacheGateway', {
  registerJob: 'ask',
  releaseJob: 'ask',
  getFile: { timeoutArg: 2 },
});

/** Serves a cache it does not own: whoever created the cache closes it, after this endpoint. */
export class BlobCacheService
  extends RpcEndpoint
  implements Omit<BlobCacheGateway, 'getAddress' | 'getHostname'>
{
  static override gateways = [BlobCacheGateway];

  constructor(
    rpcService: RpcService,
    private readonly cache: PermanentBlobCache,
    endpointId: string = kBlobCacheEndpointId,
  ) {
    super(rpcService, endpointId);
  }

  async registerJob(jobId: JobID): Promise<void> {
    this.cache.registerJob(jobId);
  }

  async releaseJob(jobId: JobID): Promise<void> {
    this.cache.releaseJob(jobId);
  }

  getFile(jobId: JobID, key: BlobKey): Promise<string> {
    return this.cache.getFile(jobId, key);
  }
}

/** A PermanentBlobService for another thread of the process, over a BlobCacheGateway. */
export function remotePermanentBlobService(
  gateway: BlobCacheGateway,
  timeoutMs: number,
): PermanentBlobService {
  return { getFile: (jobId, key) => gateway.getFile(jobId, key, timeoutMs) };
}
