// One RpcService per thread: it starts endpoints, connects to endpoints
// anywhere in the mesh (resolve, then handshake, then a typed gateway), starts
// worker threads, and closes everything it started. Mirrors Flink's RpcService
// and PekkoRpcService.

import { isMainThread } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { threadHost } from '../actor/address.js';
import type { ActorRef } from '../actor/actor-ref.js';
import { ActorSystem, type ActorSystemMetrics } from '../actor/actor-system.js';
import { getLogger } from '../actor/logger.js';
import { MainThreadTransport } from '../actor/message-port-transport.js';
import type { Transport } from '../actor/transport.js';
import { kRpcAskFailures, RpcConnectionError, RpcError } from './errors.js';
import type { FencedRpcGateway, GatewayDefinition, RpcGateway } from './gateway.js';
import { createGateway } from './invocation-handler.js';
import { RpcActor, type EndpointHooks } from './rpc-actor.js';
import { kRpcPathPrefix, RpcEndpoint } from './rpc-endpoint.js';
import { kRpcVersion, type RemoteHandshake } from './rpc-messages.js';
import type { ScheduledExecutor, ScheduledTask } from './scheduled-executor.js';
import { TrackedTimer } from './tracked-timer.js';
import { WorkerHandle, type SpawnWorkerOptions } from './worker-handle.js';
import { kEndpointHostEntry } from '../worker-entries.js';

const log = getLogger('rpc-service');

export interface RpcServiceOptions {
  /** Actor system name in addresses. Default `flink`. */
  readonly systemName?: string;
  /** Default timeout of asks, resolution and handshakes. Default 10 000 ms (pekko.ask.timeout). */
  readonly askTimeoutMs?: number;
  /** Largest message in bytes. Default 10 MiB (pekko.framesize). */
  readonly maxFrameBytes?: number;
  /** Clone same-thread messages, so that local calls behave as remote ones. Default true. */
  readonly cloneLocalMessages?: boolean;
  /** Messages per endpoint per turn. Default 15 (pekko.throughput). */
  readonly throughput?: number;
  /** Time a worker's start() may take. Default 10 × askTimeoutMs (pekko.startup-timeout). */
  readonly workerStartTimeoutMs?: number;
  /** Time a worker's graceful shutdown may take before it is terminated. Default askTimeoutMs. */
  readonly workerShutdownTimeoutMs?: number;
  /** The RPC protocol version announced in handshakes. Only tests change it. */
  readonly rpcVersion?: number;
}

const kDefaults = {
  systemName: 'flink',
  askTimeoutMs: 10_000,
  maxFrameBytes: 10 * 1024 * 1024,
  cloneLocalMessages: true,
  throughput: 15,
  rpcVersion: kRpcVersion,
};

type FilledOptions = typeof kDefaults & RpcServiceOptions;

export interface RpcServiceMetrics extends ActorSystemMetrics {
  readonly endpoints: number;
  readonly workers: number;
}

let mainThreadService: RpcService | undefined;

export class RpcService {
  readonly askTimeoutMs: number;
  readonly system: ActorSystem;
  private readonly options: FilledOptions;
  private readonly transport: Transport;
  private readonly endpoints = new Map<string, RpcEndpoint>();
  private readonly workers = new Set<WorkerHandle>();
  private readonly scheduled = new Set<TrackedTimer>();
  private closing: Promise<void> | undefined;

  private constructor(transport: Transport, options: RpcServiceOptions) {
    this.options = { ...kDefaults, ...stripUndefined(options) };
    validate(this.options);
    this.askTimeoutMs = this.options.askTimeoutMs;
    this.transport = transport;
    this.system = new ActorSystem({
      name: this.options.systemName,
      transport,
      failures: kRpcAskFailures,
      maxFrameBytes: this.options.maxFrameBytes,
      cloneLocalMessages: this.options.cloneLocalMessages,
      throughput: this.options.throughput,
    });
  }

  /** Creates the main thread's RpcService. Worker threads get theirs from the worker host. */
  static create(options: RpcServiceOptions = {}): RpcService {
    if (!isMainThread) {
      throw new RpcError(
        'RpcService.create() runs on the main thread; a worker receives its RpcService in start().',
      );
    }
    if (mainThreadService) {
      throw new RpcError('An RpcService is already running on the main thread; there is one per thread.');
    }
    mainThreadService = new RpcService(new MainThreadTransport(threadHost(0)), options);
    return mainThreadService;
  }

  /** For the worker host: an RpcService over a worker transport. */
  static forTransport(transport: Transport, options: RpcServiceOptions): RpcService {
    return new RpcService(transport, options);
  }

  /** The host of this service's thread, e.g. `thread-0`. */
  getAddress(): string {
    return this.system.host;
  }

  getHostname(): string {
    return this.system.host;
  }

  // ---- connecting ------------------------------------------------------------

  /** Resolves `address`, checks with a handshake that it serves `gateway`, and returns a gateway. */
  connect<G extends RpcGateway>(address: string, gateway: GatewayDefinition<G>): Promise<G> {
    return this.connectInternal(address, gateway, undefined);
  }

  /** As connect, for a fenced endpoint: every call carries `fencingToken`. */
  connectFenced<G extends FencedRpcGateway>(
    address: string,
    fencingToken: string,
    gateway: GatewayDefinition<G>,
  ): Promise<G> {
    return this.connectInternal(address, gateway, fencingToken);
  }

  private async connectInternal<G extends RpcGateway>(
    address: string,
    gateway: GatewayDefinition<G>,
    fencingToken: string | undefined,
  ): Promise<G> {
    let ref: ActorRef;
    try {
      ref = await this.system.selection(address).resolveOne(this.askTimeoutMs);
    } catch (cause) {
      throw new RpcConnectionError(`Could not connect to rpc endpoint under address ${address}.`, { cause });
    }
    const handshake: RemoteHandshake = { hs: gateway.name, v: this.options.rpcVersion };
    try {
      await ref.ask(handshake, this.askTimeoutMs, `handshake ${gateway.name}`);
    } catch (cause) {
      if (cause instanceof RpcConnectionError) throw cause;
      throw new RpcConnectionError(`Handshake with the rpc endpoint under address ${address} failed.`, {
        cause,
      });
    }
    return createGateway(ref, gateway, {
      askTimeoutMs: this.askTimeoutMs,
      ...(fencingToken === undefined ? {} : { fencingToken }),
    });
  }

  // ---- endpoints ---------------------------------------------------------------

  /** Called by the RpcEndpoint constructor: registers its actor, not yet started. */
  startServer(
    endpoint: RpcEndpoint,
    hooks: EndpointHooks,
    fencingToken: string | undefined,
  ): { ref: ActorRef; actor: RpcActor } {
    if (this.closing) throw new RpcError('RpcService is stopped');
    const path = kRpcPathPrefix + endpoint.endpointId;
    if (this.system.isAlive(path)) {
      throw new RpcError(
        `Could not create the RpcActor for ${endpoint.endpointId}: an endpoint with that id is running.`,
      );
    }
    const gateways = (endpoint.constructor as typeof RpcEndpoint).gateways;
    const actor = new RpcActor({
      system: this.system,
      path,
      address: this.system.addressOf(path),
      target: endpoint,
      endpoint: hooks,
      methods: RpcEndpoint.methodTable(endpoint),
      gatewayNames: new Set(gateways.map((g) => g.name)),
      fencingToken,
      rpcVersion: this.options.rpcVersion,
    });
    const ref = this.system.spawn(path, actor);
    this.endpoints.set(endpoint.endpointId, endpoint);
    return { ref, actor };
  }

  /** Called when an endpoint has terminated. */
  serverTerminated(endpoint: RpcEndpoint): void {
    if (this.endpoints.get(endpoint.endpointId) === endpoint) this.endpoints.delete(endpoint.endpointId);
  }

  // ---- workers -----------------------------------------------------------------

  /**
   * Starts a worker thread with its own ActorSystem and RpcService, joined to the
   * mesh. The worker imports `moduleUrl` and calls its exported
   * `start(rpc, workerData)`; the handle's `result` is what that returned.
   */
  async spawnWorker(moduleUrl: string | URL, options: SpawnWorkerOptions = {}): Promise<WorkerHandle> {
    if (!(this.transport instanceof MainThreadTransport)) {
      throw new RpcError('spawnWorker() is only available on the main thread, which brokers the mesh.');
    }
    if (this.closing) throw new RpcError('RpcService is stopped');
    const url = toModuleUrl(moduleUrl);
    const { workerStartTimeoutMs, workerShutdownTimeoutMs, ...serviceOptions } = this.options;
    const hostEntry =
      options.hostEntry === undefined ? kEndpointHostEntry : new URL(toModuleUrl(options.hostEntry));
    const handle = await WorkerHandle.spawn(hostEntry, url, this.transport, serviceOptions, options, {
      startTimeoutMs: workerStartTimeoutMs ?? 10 * this.askTimeoutMs,
      shutdownTimeoutMs: workerShutdownTimeoutMs ?? this.askTimeoutMs,
    });
    if (this.closing) {
      await handle.terminate();
      throw new RpcError('RpcService was stopped while the worker started.');
    }
    this.workers.add(handle);
    handle.exited.then(() => this.workers.delete(handle));
    return handle;
  }

  // ---- scheduling ----------------------------------------------------------------

  /**
   * A scheduled executor on this thread's timer structure. Its tasks do not run
   * in any endpoint's main thread, so they must not touch endpoint state
   * (as Flink's RpcService.getScheduledExecutor). closeAsync cancels them.
   */
  getScheduledExecutor(): ScheduledExecutor {
    return {
      execute: (task) => {
        this.schedule(task, 0);
      },
      schedule: (task, delayMs) => this.schedule(task, delayMs),
    };
  }

  private schedule(task: () => void, delayMs: number): ScheduledTask {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be zero or greater, got ${delayMs}`);
    const scheduled = new TrackedTimer(this.scheduled);
    if (this.closing) scheduled.cancel();
    else scheduled.start(this.system.scheduleOnce(delayMs, () => scheduled.fire(task)));
    return scheduled;
  }

  // ---- shutdown ---------------------------------------------------------------------

  metrics(): RpcServiceMetrics {
    return { ...this.system.metrics(), endpoints: this.endpoints.size, workers: this.workers.size };
  }

  /**
   * Terminates every endpoint (waiting for their onStop), every worker this
   * service started, and every scheduled task. Everything is torn down even if
   * an endpoint fails to stop; the first such failure then rejects the result.
   */
  /** Whether closeAsync has been called; endpoints stopping now are part of a shutdown. */
  isClosing(): boolean {
    return this.closing !== undefined;
  }

  closeAsync(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.closeAsync();
  }

  private async close(): Promise<void> {
    const endpoints = [...this.endpoints.values()];
    const stopped = await Promise.allSettled(endpoints.map((endpoint) => endpoint.closeAsync()));
    await Promise.allSettled([...this.workers].map((worker) => worker.terminate()));
    for (const timer of [...this.scheduled]) timer.cancel();
    this.system.terminate();
    if (mainThreadService === this) mainThreadService = undefined;
    const failure = stopped.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      log.error('An endpoint failed to stop while the RpcService closed:', failure.reason);
      throw failure.reason;
    }
  }
}

function toModuleUrl(moduleUrl: string | URL): string {
  if (moduleUrl instanceof URL) return moduleUrl.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(moduleUrl)) return moduleUrl;
  return pathToFileURL(moduleUrl).href;
}

function stripUndefined(options: RpcServiceOptions): RpcServiceOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

function validate(options: FilledOptions): void {
  for (const key of [
    'askTimeoutMs',
    'maxFrameBytes',
    'throughput',
    'workerStartTimeoutMs',
    'workerShutdownTimeoutMs',
  ] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`RpcService option ${key} must be a positive number, got ${String(value)}.`);
    }
  }
}
