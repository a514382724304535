// Runs a behaviour on several paths: the endpoint on the caller's thread, in a
// worker thread, and (for the RPC suite) in another process over TCP with
// mutual TLS on 127.0.0.1. All must behave the same.

import type { RemoteOptions } from '../../src/rpc/remote-options.js';
import { RpcService, type RpcServiceOptions } from '../../src/rpc/rpc-service.js';
import { start as startEchoHere } from '../fixtures/echo.js';
import { start as startLeaderHere } from '../fixtures/fenced.js';
import { killAllChildren, RemoteProcess } from './remote-process.js';
import { testCerts } from './test-certs.js';

export type Path = 'same thread' | 'across threads' | 'across processes';
/** The in-process paths, which the runtime's tests run on. */
export const kPaths: readonly Path[] = ['same thread', 'across threads'];
/** Every path, for the RPC suite: the in-process ones and TCP across real processes. */
export const kRpcPaths: readonly Path[] = [...kPaths, 'across processes'];

export const kEchoModule = new URL('../fixtures/echo.js', import.meta.url);
export const kFencedModule = new URL('../fixtures/fenced.js', import.meta.url);

/** A child process that hosts `module` (a worker module) behind TLS, with the test cluster's certificates. */
export async function startRemote(
  module: URL,
  data: unknown,
  service: Omit<RpcServiceOptions, 'remote'> = {},
  remote: Omit<RemoteOptions, 'clock'> = {},
): Promise<RemoteProcess> {
  const certs = await testCerts();
  return RemoteProcess.start({
    module: module.href,
    data,
    service,
    remote: { security: certs.security, ...remote },
  });
}

export async function startEcho(rpc: RpcService, path: Path, ids: string[] = ['echo']): Promise<string[]> {
  if (path === 'same thread') return startEchoHere(rpc, { ids });
  if (path === 'across processes') return (await startRemote(kEchoModule, { ids })).result as string[];
  const worker = await rpc.spawnWorker(kEchoModule, { workerData: { ids } });
  return worker.result as string[];
}

export async function startLeader(rpc: RpcService, path: Path, token: string): Promise<string> {
  if (path === 'same thread') return startLeaderHere(rpc, { token });
  if (path === 'across processes') return (await startRemote(kFencedModule, { token })).result as string;
  const worker = await rpc.spawnWorker(kFencedModule, { workerData: { token } });
  return worker.result as string;
}

/** An RpcService on 127.0.0.1 with the test cluster's mutual TLS. */
export async function startTlsService(options: RpcServiceOptions = {}): Promise<RpcService> {
  const certs = await testCerts();
  return RpcService.start({ ...options, remote: { security: certs.security, ...options.remote } });
}

/**
 * A service per test, closed after it, with every child process it started
 * killed. On the 'across processes' path it listens on TCP with mutual TLS.
 */
export function useRpcService(options: RpcServiceOptions = {}, path?: Path): { readonly rpc: RpcService } {
  const holder: { rpc: RpcService } = { rpc: undefined as unknown as RpcService };
  beforeEach(async () => {
    const filled = { askTimeoutMs: 5000, ...options };
    holder.rpc = path === 'across processes' ? await startTlsService(filled) : RpcService.create(filled);
  });
  afterEach(async () => {
    await killAllChildren();
    await holder.rpc.closeAsync().catch(() => {});
  });
  return holder;
}
