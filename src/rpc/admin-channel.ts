// The worker host's admin channel (start, shutdown, metrics), on its own
// MessageChannel and driven by comlink. RPC traffic never uses it. Comlink
// calls never time out and never fail when the worker dies (comlink#601), so
// every call here is raced against a timeout and the worker's exit.
//
// Comlink listens through its node adapter, with port.on('message'), not with
// the port's addEventListener: a DOM-style listener makes Node build a
// MessageEvent per message, and on Node 24 (not 20) the first one loads undici
// into the thread, about 25 ms of CPU for every worker that starts.

import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { SerializedError } from '../actor/error-codec.js';
import type { ActorSystemMetrics } from '../actor/actor-system.js';
import { RecipientUnreachableError, RpcTimeoutError } from './errors.js';

export type StartOutcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SerializedError };

export interface WorkerMetrics extends ActorSystemMetrics {
  readonly threadId: number;
  readonly endpoints: number;
  readonly heapUsedBytes: number;
}

/** What the worker host exposes on its admin channel. */
export interface WorkerAdmin {
  /** Calls the module's start(rpc, userData). */
  start(userData: unknown): Promise<StartOutcome>;
  shutdown(): Promise<void>;
  metrics(): Promise<WorkerMetrics>;
}

export function exposeAdmin(admin: WorkerAdmin, port: MessagePort): void {
  Comlink.expose(admin, nodeEndpoint(port));
}

export function wrapAdmin(port: MessagePort): Comlink.Remote<WorkerAdmin> {
  return Comlink.wrap<WorkerAdmin>(nodeEndpoint(port));
}

/** Settles with `call`, or fails on timeout or when the worker exits first. */
export function boundedCall<T>(
  call: Promise<T>,
  what: string,
  timeoutMs: number,
  exited: Promise<number>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new RpcTimeoutError(`Worker admin call ${what} timed out after ${timeoutMs} ms.`)),
      timeoutMs,
    );
    const done = () => clearTimeout(timer);
    call.then(
      (value) => {
        done();
        resolve(value);
      },
      (error) => {
        done();
        reject(error);
      },
    );
    exited.then((code) => {
      done();
      reject(new RecipientUnreachableError(`The worker exited with code ${code} during ${what}.`));
    });
  });
}
