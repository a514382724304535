// An RpcService is one actor system: it starts endpoints, connects to
// endpoints anywhere (a handshake, then a typed gateway; a wildcard address is
// resolved first), starts worker threads and brokers their channels, and
// closes everything it started.
// A thread may hold several, each with its own host and, when it listens on
// TCP, its own port (as Flink's MiniCluster can give each component a dedicated
// RPC service). Mirrors Flink's RpcService and PekkoRpcService.

import { pathToFileURL } from 'node:url';
import type { ActorRef } from '../actor/actor-ref.js';
import { parseAddress } from '../actor/address.js';
import { ActorSystem, type ActorSystemMetrics } from '../actor/actor-system.js';
import { getLogger } from '../actor/logger.js';
import { MeshBroker, MeshMember } from '../actor/message-port-transport.js';
import { allocateThreadHost, SystemTransport } from '../actor/system-transport.js';
import { TcpTransport } from '../actor/tcp/tcp-transport.js';
import {
  kRpcAskFailures,
  RecipientUnreachableError,
  RemoteHandshakeError,
  RpcConfigurationError,
  RpcConnectionError,
  RpcError,
} from './errors.js';
import type { FencedRpcGateway, GatewayDefinition, RpcGateway } from './gateway.js';
import { createGateway } from './invocation-handler.js';
import { RpcActor, type EndpointHooks } from './rpc-actor.js';
import { kRpcPathPrefix, RpcEndpoint } from './rpc-endpoint.js';
import { kRpcVersion, type RemoteHandshake } from './rpc-messages.js';
import type { ScheduledExecutor, ScheduledTask } from './scheduled-executor.js';
import { TrackedTimer } from './tracked-timer.js';
import { WorkerHandle, type SpawnWorkerOptions, type WorkerBoot } from './worker-handle.js';
import { resolveRemote, tcpOptionsFor, type RemoteOptions, type ResolvedRemote } from './remote-options.js';
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
  /**
   * Listen on TCP, for systems in other processes (use RpcService.start). The
   * workers this service spawns listen on their own ports with the same settings.
   */
  readonly remote?: RemoteOptions;
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

export class RpcService {
  readonly askTimeoutMs: number;
  readonly system: ActorSystem;
  private readonly options: FilledOptions;
  private readonly transport: SystemTransport;
  private readonly endpoints = new Map<string, RpcEndpoint>();
  private readonly workers = new Set<WorkerHandle>();
  private readonly scheduled = new Set<TrackedTimer>();
  private closing: Promise<void> | undefined;

  private constructor(
    transport: SystemTransport,
    options: RpcServiceOptions,
    private readonly remote: ResolvedRemote | undefined,
  ) {
    this.options = { ...kDefaults, ...stripUndefined(options) };
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

  /**
   * Creates an RpcService that talks within this process: to the other
   * services of its thread, and to threads it or they spawn. Its host is
   * `thread-N`, or `thread-N.k` when the thread already has a service.
   */
  static create(options: RpcServiceOptions = {}): RpcService {
    if (options.remote) {
      throw new RpcConfigurationError(
        'An RpcService with remote options listens on TCP: use await RpcService.start(options).',
      );
    }
    checkOptions(options);
    const host = allocateThreadHost();
    return new RpcService(new SystemTransport(host, new MeshBroker(host), undefined), options, undefined);
  }

  /**
   * Starts an RpcService; with `remote`, it listens on TCP and its host is
   * `ip:port`, reachable from other processes (Flink's
   * RpcSystem.remoteServiceBuilder(...).createAndStart()).
   */
  static async start(options: RpcServiceOptions = {}): Promise<RpcService> {
    if (!options.remote) return RpcService.create(options);
    const filled = checkOptions(options);
    const remote = resolveRemote(options.remote);
    const tcp = await TcpTransport.listen(
      tcpOptionsFor(remote, filled.systemName, filled.maxFrameBytes, options.remote.clock),
    );
    const host = tcp.localHost;
    return new RpcService(new SystemTransport(host, new MeshBroker(host), tcp), options, remote);
  }

  /** For the worker host: the RpcService of a worker thread, joined to its broker's mesh. */
  static async forWorker(boot: WorkerBoot): Promise<RpcService> {
    const options = boot.serviceOptions as RpcServiceOptions;
    const filled = checkOptions(options);
    const tcp = boot.remote
      ? await TcpTransport.listen(
          tcpOptionsFor(
            { ...boot.remote, port: 0, advertisedPort: undefined },
            filled.systemName,
            filled.maxFrameBytes,
            undefined,
          ),
        )
      : undefined;
    const host = tcp?.localHost ?? allocateThreadHost();
    const mesh = new MeshMember(host, boot.mainHost, boot.dataPort);
    return new RpcService(new SystemTransport(host, mesh, tcp), options, boot.remote);
  }

  /** This service's host: `thread-0` in-process, `10.0.0.5:6123` when it listens on TCP. */
  getAddress(): string {
    return this.system.host;
  }

  /** The TCP port this service listens on, or -1 (as Flink's RpcService.getPort). */
  getPort(): number {
    const match = /:(\d+)$/.exec(this.system.host);
    return this.transport.tcp && match ? Number(match[1]) : -1;
  }

  getHostname(): string {
    return this.system.host;
  }

  // ---- connecting ------------------------------------------------------------

  /**
   * Death watch: calls `onUnreachable` once when the thread, process or
   * connection behind `address` is gone, or soon if it is gone already. Far
   * faster than a heartbeat timeout; a lost connection counts too, so the
   * caller treats it as a loss and lets the peer register again. Returns a
   * function that stops watching.
   */
  watch(address: string, onUnreachable: (reason: string) => void): () => void {
    return this.system.watch(parseAddress(address).host, onUnreachable);
  }

  /** Checks with a handshake that `address` serves `gateway` (resolving a wildcard first), and returns a gateway. */
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
    let target: ReturnType<typeof parseAddress>;
    try {
      target = parseAddress(address);
      // A wildcard names whichever endpoint has the prefix: only the resolver knows which. An exact
      // path needs no resolver round trip: the handshake itself fails if nobody is there.
      ref = target.path.endsWith('*')
        ? await this.system.selection(address).resolveOne(this.askTimeoutMs)
        : this.system.refFor(target);
    } catch (cause) {
      throw new RpcConnectionError(`Could not connect to rpc endpoint under address ${address}.`, { cause });
    }
    const handshake: RemoteHandshake = { hs: gateway.name, v: this.options.rpcVersion };
    try {
      await ref.ask(handshake, this.askTimeoutMs, `handshake ${gateway.name}`);
    } catch (cause) {
      // Nobody there, or no way there: what resolving would have found out.
      if (cause instanceof RecipientUnreachableError || cause instanceof RemoteHandshakeError) {
        throw new RpcConnectionError(`Could not connect to rpc endpoint under address ${address}.`, {
          cause,
        });
      }
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
    const mesh = this.transport.mesh;
    if (!(mesh instanceof MeshBroker)) {
      throw new RpcError(
        "spawnWorker() is not available on a worker's own RpcService; create one with RpcService.create() to spawn workers from here.",
      );
    }
    if (this.closing) throw new RpcError('RpcService is stopped');
    const url = toModuleUrl(moduleUrl);
    const {
      workerStartTimeoutMs,
      workerShutdownTimeoutMs,
      remote: _remote,
      ...serviceOptions
    } = this.options;
    const hostEntry =
      options.hostEntry === undefined ? kEndpointHostEntry : new URL(toModuleUrl(options.hostEntry));
    const handle = await WorkerHandle.spawn(hostEntry, url, mesh, serviceOptions, this.remote, options, {
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
    // No delay: right after this turn. The timer queue's setTimeout waits at least 1 ms,
    // which every embedded-HA notification (execute) paid, several per job.
    else if (delayMs === 0) scheduled.start(immediate(() => scheduled.fire(task)));
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
    await this.system.terminate();
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

function checkOptions(options: RpcServiceOptions): FilledOptions {
  const filled = { ...kDefaults, ...stripUndefined(options) };
  validate(filled);
  return filled;
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

/** A task for right after this turn of the event loop, cancellable like a timer. */
function immediate(run: () => void): { cancel(): boolean } {
  const handle = setImmediate(run);
  return {
    cancel: () => {
      clearImmediate(handle);
      return true;
    },
  };
}
