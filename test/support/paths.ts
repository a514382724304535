// Runs a behaviour on both paths: the endpoint on the caller's thread, and the
// endpoint in a worker thread. Both must behave the same.

import { RpcService, type RpcServiceOptions } from '../../src/rpc/rpc-service.js';
import { start as startEchoHere } from '../fixtures/echo.js';
import { start as startLeaderHere } from '../fixtures/fenced.js';

export type Path = 'same thread' | 'across threads';
export const kPaths: readonly Path[] = ['same thread', 'across threads'];

export const kEchoModule = new URL('../fixtures/echo.js', import.meta.url);
export const kFencedModule = new URL('../fixtures/fenced.js', import.meta.url);

export async function startEcho(rpc: RpcService, path: Path, ids: string[] = ['echo']): Promise<string[]> {
  if (path === 'same thread') return startEchoHere(rpc, { ids });
  const worker = await rpc.spawnWorker(kEchoModule, { workerData: { ids } });
  return worker.result as string[];
}

export async function startLeader(rpc: RpcService, path: Path, token: string): Promise<string> {
  if (path === 'same thread') return startLeaderHere(rpc, { token });
  const worker = await rpc.spawnWorker(kFencedModule, { workerData: { token } });
  return worker.result as string;
}

/** A service per test, closed after it. */
export function useRpcService(options: RpcServiceOptions = {}): { readonly rpc: RpcService } {
  const holder: { rpc: RpcService } = { rpc: undefined as unknown as RpcService };
  beforeEach(() => {
    holder.rpc = RpcService.create({ askTimeoutMs: 5000, ...options });
  });
  afterEach(async () => {
    await holder.rpc.closeAsync().catch(() => {});
  });
  return holder;
}
