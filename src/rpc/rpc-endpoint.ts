// The base class of every component that receives RPCs: the TaskExecutor, the
// ResourceManager, the JobMaster. Its methods run one at a time on its own
// mailbox, so its state needs no locks. Mirrors Flink's RpcEndpoint and
// FencedRpcEndpoint. Unlike Flink, every timer it schedules belongs to its
// lifecycle and is cancelled when it terminates (FLINK-25085, FLINK-34427).

import type { ActorRef } from '../actor/actor-ref.js';
import { getLogger } from '../actor/logger.js';
// Endpoint names must be unique, not secret (mutual TLS guards the cluster, and
// Flink's AbstractID draws from java.util.Random); nanoid's Math.random variant
// spares every worker loading node:crypto at start (bench:cluster).
import { nanoid } from 'nanoid/non-secure';
import { RpcInvalidStateError } from './errors.js';
import type { GatewayDefinition, MethodKind, RpcGateway } from './gateway.js';
import { createGateway } from './invocation-handler.js';
import { MainThreadScheduler } from './main-thread-scheduler.js';
import { RpcActor, type EndpointHooks } from './rpc-actor.js';
import { CallAsync, kStart, kStop, kTerminate, RunAsync } from './rpc-messages.js';
import type { RpcService } from './rpc-service.js';
import type { ScheduledExecutor, ScheduledTask } from './scheduled-executor.js';
import { TrackedTimer } from './tracked-timer.js';

const log = getLogger('rpc-endpoint');

/** The method table of each endpoint class, by class. */
const kMethodTables = new WeakMap<typeof RpcEndpoint, ReadonlyMap<string, MethodKind>>();
export const kRpcPathPrefix = '/user/rpc/';

export class RpcEndpoint {
  /** The gateways this endpoint serves. Subclasses list theirs; connect() checks against it. */
  static gateways: readonly GatewayDefinition[] = [];

  readonly endpointId: string;
  private readonly rpcService: RpcService;
  private readonly selfRef: ActorRef;
  private readonly actor: RpcActor;
  private readonly timers = new Set<TrackedTimer>();
  /** Injected schedulers wrapped by mainThreadScheduler(); what they hold is cancelled at termination. */
  private readonly injectedSchedulers: MainThreadScheduler[] = [];
  private readonly termination: Promise<void>;
  private settleTermination!: (error: Error | undefined) => void;
  private running = false;
  private readonly serverToken: string | undefined;
  private readonly mainThreadExecutor: ScheduledExecutor = {
    execute: (task) => this.runAsync(task),
    schedule: (task, delayMs) => this.scheduleRunAsync(task, delayMs),
  };

  /** `fencingToken` is for FencedRpcEndpoint; use that class instead of passing it here. */
  constructor(rpcService: RpcService, endpointId: string = nanoid(), fencingToken?: string) {
    this.endpointId = endpointId;
    this.serverToken = fencingToken;
    this.rpcService = rpcService;
    this.termination = new Promise<void>((resolve, reject) => {
      this.settleTermination = (error) => (error ? reject(error) : resolve());
    });
    // Callers that never look at the termination promise must not see an unhandled rejection.
    this.termination.catch(() => {});
    const { ref, actor } = rpcService.startServer(this, this.hooks(), fencingToken);
    this.selfRef = ref;
    this.actor = actor;
  }

  // ---- lifecycle ---------------------------------------------------------------

  /** Starts processing messages; onStart runs first, in the endpoint's main thread. */
  start(): void {
    this.checkNotTerminated('STARTED');
    this.selfRef.system.tell(this.selfRef, kStart, 'start', false);
  }

  /** Stops processing messages (they fail with EndpointNotStarted) without terminating. */
  stop(): void {
    this.checkNotTerminated('STOPPED');
    this.selfRef.system.tell(this.selfRef, kStop, 'stop', false);
  }

  /** Called when the endpoint starts. A throw or rejection terminates the endpoint. */
  protected onStart(): void | Promise<void> {}

  /** Called once when the endpoint terminates; termination waits for its promise. */
  protected onStop(): void | Promise<void> {}

  /** Terminates the endpoint; resolves when it has terminated. */
  closeAsync(): Promise<void> {
    if (this.actor.state !== 'TERMINATED')
      this.selfRef.system.tell(this.selfRef, kTerminate, 'terminate', false);
    return this.termination;
  }

  getTerminationFuture(): Promise<void> {
    return this.termination;
  }

  /** True between onStart and onStop. Only meaningful in the main thread. */
  isRunning(): boolean {
    return this.running;
  }

  getAddress(): string {
    return this.selfRef.address;
  }

  getHostname(): string {
    return this.selfRef.host;
  }

  getRpcService(): RpcService {
    return this.rpcService;
  }

  /** A gateway to this endpoint, for one of the gateways it serves. */
  getSelfGateway<G extends RpcGateway>(gateway: GatewayDefinition<G>): G {
    const served = (this.constructor as typeof RpcEndpoint).gateways;
    if (!served.some((g) => g.name === gateway.name)) {
      throw new TypeError(`RpcEndpoint does not implement the RpcGateway interface of type ${gateway.name}.`);
    }
    const token = this.serverToken;
    return createGateway(this.selfRef, gateway, {
      askTimeoutMs: this.rpcService.askTimeoutMs,
      ...(token === undefined ? {} : { fencingToken: token }),
    });
  }

  // ---- main-thread execution ---------------------------------------------------------

  /** Runs `task` in the endpoint's main thread, after the messages already queued. */
  protected runAsync(task: () => void): void {
    this.selfRef.system.tell(this.selfRef, new RunAsync(task), 'runAsync', false);
  }

  /** Runs `task` in the main thread and resolves with its result, or fails after `timeoutMs`. */
  protected callAsync<T>(task: () => T | Promise<T>, timeoutMs: number): Promise<T> {
    return this.selfRef.system.ask(
      this.selfRef,
      new CallAsync(task),
      timeoutMs,
      `${this.endpointId}.callAsync`,
      false,
    ) as Promise<T>;
  }

  /**
   * Runs `task` in the main thread after `delayMs`. The returned task can be
   * cancelled; termination cancels it too.
   */
  protected scheduleRunAsync(task: () => void, delayMs: number): ScheduledTask {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be zero or greater, got ${delayMs}`);
    const timer = new TrackedTimer(this.timers);
    if (this.actor.state === 'TERMINATED') {
      log.warn(`scheduleRunAsync on terminated endpoint ${this.endpointId}; the task will not run.`);
      timer.cancel();
      return timer;
    }
    timer.start(this.selfRef.system.scheduleOnce(delayMs, () => timer.fire(() => this.runAsync(task))));
    return timer;
  }

  /** A ScheduledExecutor that runs everything in this endpoint's main thread. */
  getMainThreadExecutor(): ScheduledExecutor {
    return this.mainThreadExecutor;
  }

  /**
   * The executor for this endpoint's delays (heartbeats, retries, timeouts):
   * time from `scheduler` when one is injected (a ManualExecutor in tests), else
   * from the endpoint's own timers; the work always runs in the main thread.
   * Either way, whatever is still pending is cancelled when the endpoint terminates.
   */
  protected mainThreadScheduler(scheduler: ScheduledExecutor | undefined): ScheduledExecutor {
    if (!scheduler) return this.mainThreadExecutor;
    const wrapped = new MainThreadScheduler(scheduler, (task) => this.runAsync(task));
    this.injectedSchedulers.push(wrapped);
    return wrapped;
  }

  /** Throws unless called while this endpoint is processing one of its own messages. */
  validateRunsInMainThread(): void {
    const system = this.selfRef.system;
    if (!system.isProcessing(this.selfRef.path)) {
      const actual = system.currentPath();
      throw new RpcInvalidStateError(
        `Violation of main thread constraint detected: expected ${this.selfRef.path} but running in ` +
          `${actual ?? 'no endpoint (outside any mailbox turn)'}.`,
      );
    }
  }

  private checkNotTerminated(target: string): void {
    if (this.actor.state === 'TERMINATING' || this.actor.state === 'TERMINATED') {
      throw new RpcInvalidStateError(
        `RpcActor is currently in state ${this.actor.state} and cannot go into state ${target}.`,
      );
    }
  }

  // Lifecycle hooks are kept apart from the endpoint's methods, so that the
  // actor can call protected hooks and a remote caller cannot.
  private hooks(): EndpointHooks {
    return {
      endpointId: this.endpointId,
      onStart: () => this.onStart(),
      onStop: () => this.onStop(),
      setRunning: (running: boolean) => {
        this.running = running;
      },
      terminated: (error: Error | undefined) => {
        for (const timer of [...this.timers]) timer.cancel();
        for (const scheduler of this.injectedSchedulers) scheduler.cancelAll();
        this.rpcService.serverTerminated(this);
        this.settleTermination(error);
      },
    };
  }

  /** The method table of the gateways this endpoint serves, for its RpcActor. */
  static methodTable(endpoint: RpcEndpoint): ReadonlyMap<string, MethodKind> {
    const type = endpoint.constructor as typeof RpcEndpoint;
    // Once per class: a JobMaster is made for every job.
    let table = kMethodTables.get(type);
    if (!table) {
      const methods = new Map<string, MethodKind>();
      for (const gateway of type.gateways) {
        for (const [name, kind] of Object.entries(gateway.methods)) methods.set(name, kind);
      }
      table = methods;
      kMethodTables.set(type, table);
    }
    return table;
  }
}

/** An endpoint whose every message must carry its fencing token, such as the ResourceManager. */
export class FencedRpcEndpoint<F extends string = string> extends RpcEndpoint {
  private readonly fencingToken: F;

  /** The token is final (FLINK-27737): a new leader session means a new endpoint. */
  constructor(rpcService: RpcService, fencingToken: F, endpointId?: string) {
    if (typeof fencingToken !== 'string' || fencingToken.length === 0) {
      throw new TypeError('A FencedRpcEndpoint needs a non-empty fencing token.');
    }
    super(rpcService, endpointId, fencingToken);
    this.fencingToken = fencingToken;
  }

  getFencingToken(): F {
    return this.fencingToken;
  }
}
