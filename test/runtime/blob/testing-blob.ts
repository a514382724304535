// Test support for the blob service: a temporary base directory per test
// (removed afterwards, with everything the server and cache made in it), a
// BlobServer and a PermanentBlobCache on one RpcService, deterministic bytes,
// and a recursive listing of the files a directory holds.

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { RpcService } from '../../../src/rpc/rpc-service.js';
import type { ScheduledExecutor } from '../../../src/rpc/scheduled-executor.js';
import { BlobServer } from '../../../src/runtime/blob/blob-server.js';
import { BlobServerGateway } from '../../../src/runtime/blob/blob-server-gateway.js';
import { PermanentBlobCache } from '../../../src/runtime/blob/permanent-blob-cache.js';
import type { ConfigValue } from '../../../src/runtime/configuration/config-option.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { JobID } from '../../../src/runtime/types/ids.js';

/** `length` bytes that differ from test to test with `seed`, the same on every run. */
export function bytesOf(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every file under `dir`, relative to it, sorted; directories themselves are not listed. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

export interface BlobBedOptions {
  readonly server?: Readonly<Record<string, ConfigValue>>;
  readonly cache?: Readonly<Record<string, ConfigValue>>;
  readonly serverExecutor?: ScheduledExecutor;
  readonly cacheExecutor?: ScheduledExecutor;
}

/** A BlobServer, a client gateway to it and a PermanentBlobCache, all on one RpcService per test. */
export class BlobBed {
  readonly jobId = JobID.generate();
  private constructor(
    readonly rpc: RpcService,
    readonly base: string,
    readonly server: BlobServer,
    readonly gateway: BlobServerGateway,
    readonly cache: PermanentBlobCache,
  ) {}

  static async start(options: BlobBedOptions = {}): Promise<BlobBed> {
    const base = await mkdtemp(join(tmpdir(), 'threadlink-blob-test-'));
    const rpc = RpcService.create({ askTimeoutMs: 5000 });
    const server = new BlobServer(rpc, {
      configuration: new Configuration({ 'blob.storage.directory': join(base, 'server'), ...options.server }),
      ...(options.serverExecutor ? { scheduledExecutor: options.serverExecutor } : {}),
    });
    server.start();
    const gateway = await rpc.connect(server.getAddress(), BlobServerGateway);
    const cache = await PermanentBlobCache.create({
      rpcService: rpc,
      serverAddress: server.getAddress(),
      configuration: new Configuration({ 'blob.storage.directory': join(base, 'cache'), ...options.cache }),
      ...(options.cacheExecutor ? { scheduledExecutor: options.cacheExecutor } : {}),
    });
    return new BlobBed(rpc, base, server, gateway, cache);
  }

  /** Closes the cache and the service (and so the server), then removes the base directory. */
  async close(): Promise<void> {
    await this.cache.closeAsync().catch(() => {});
    await this.rpc.closeAsync().catch(() => {});
    await rm(this.base, { recursive: true, force: true });
  }
}

/** A fresh BlobBed per test, closed after it. */
export function useBlobBed(options: BlobBedOptions | (() => BlobBedOptions) = {}): { readonly bed: BlobBed } {
  const holder = { bed: undefined as unknown as BlobBed };
  beforeEach(async () => {
    holder.bed = await BlobBed.start(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await holder.bed.close();
  });
  return holder;
}
