// Registers one component at another: resolve the target's address to a
// gateway, then call the subclass's registration method until the target
// accepts or rejects for good, backing off as Flink's RetryingRegistration does.
// Beyond Flink, every attempt is also bounded by a timer on the executor, so a
// reply that never comes is a timeout that tests can drive by hand, and a late
// reply of an attempt that already timed out is dropped.

import { getLogger } from '../../actor/logger.js';
import { RpcTimeoutError } from '../../rpc/errors.js';
import type { FencedRpcGateway, GatewayDefinition, RpcGateway } from '../../rpc/gateway.js';
import type { RpcService } from '../../rpc/rpc-service.js';
import type { ScheduledExecutor, ScheduledTask } from '../../rpc/scheduled-executor.js';
import { RetryingRegistrationConfiguration } from '../configuration/retrying-registration-configuration.js';
import { codeOf } from '../flink-error.js';
import type {
  RegistrationFailure,
  RegistrationRejection,
  RegistrationSuccess,
} from '../types/registration-response.js';
import { RegistrationCancelledError } from './errors.js';

const log = getLogger('retrying-registration');

/** How a registration ended: accepted with a gateway, or rejected for good. */
export type RetryingRegistrationResult<G, S, R> =
  | { readonly kind: 'success'; readonly gateway: G; readonly success: S }
  | { readonly kind: 'rejection'; readonly rejection: R };

/** What one registration attempt may answer. A failure is retried; a rejection is final. */
export type RegistrationAttemptResponse<S, R> = S | RegistrationFailure | R;

/** What a registration needs from the RpcService; tests may pass a fake. */
export type RegistrationRpcService = Pick<RpcService, 'connect' | 'connectFenced'>;

export interface RetryingRegistrationOptions<G extends RpcGateway> {
  readonly rpcService: RegistrationRpcService;
  /** For logs and messages, e.g. 'ResourceManager'. */
  readonly targetName: string;
  readonly targetGateway: GatewayDefinition<G>;
  readonly targetAddress: string;
  /** If set, the target is fenced and every call carries this token. */
  readonly fencingToken?: string;
  /** Every delay, retry and attempt timeout is scheduled here. */
  readonly executor: ScheduledExecutor;
  readonly config: RetryingRegistrationConfiguration;
}

export abstract class RetryingRegistration<
  G extends RpcGateway,
  S extends RegistrationSuccess,
  R extends RegistrationRejection = RegistrationRejection,
> {
  private readonly rpcService: RegistrationRpcService;
  private readonly targetName: string;
  private readonly targetGateway: GatewayDefinition<G>;
  private readonly targetAddress: string;
  private readonly fencingToken: string | undefined;
  private readonly executor: ScheduledExecutor;
  private readonly config: RetryingRegistrationConfiguration;

  private readonly future: Promise<RetryingRegistrationResult<G, S, R>>;
  private resolveFuture!: (result: RetryingRegistrationResult<G, S, R>) => void;
  private rejectFuture!: (error: Error) => void;
  private settled = false;
  private canceled = false;
  /** Pending retries and attempt timeouts; cancel() stops them. */
  private readonly timers = new Set<ScheduledTask>();

  constructor(options: RetryingRegistrationOptions<G>) {
    this.rpcService = options.rpcService;
    this.targetName = options.targetName;
    this.targetGateway = options.targetGateway;
    this.targetAddress = options.targetAddress;
    this.fencingToken = options.fencingToken;
    this.executor = options.executor;
    this.config = RetryingRegistrationConfiguration.of(options.config);
    this.future = new Promise((resolve, reject) => {
      this.resolveFuture = (result) => {
        this.settled = true;
        resolve(result);
      };
      this.rejectFuture = (error) => {
        this.settled = true;
        reject(error);
      };
    });
    // Nobody may be listening when a registration is cancelled; that must not be an unhandled rejection.
    this.future.catch(() => {});
  }

  /** The outcome; the same promise on every call. It rejects only if cancelled or on a bug. */
  getFuture(): Promise<RetryingRegistrationResult<G, S, R>> {
    return this.future;
  }

  /** Stops all retries; the future rejects with RegistrationCancelledError unless it has settled. */
  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    // After its answer the future is settled, and the error would only cost its stack.
    if (this.settled) return;
    this.rejectFuture(
      new RegistrationCancelledError(
        `Registration at ${this.targetName} (${this.targetAddress}) was cancelled.`,
      ),
    );
  }

  isCanceled(): boolean {
    return this.canceled;
  }

  /** Resolves the target's address, then starts the registration attempts. */
  startRegistration(): void {
    if (this.canceled) return;
    let connecting: Promise<G>;
    try {
      connecting = this.connectToTarget();
    } catch (error) {
      this.failAndCancel(error);
      return;
    }
    connecting.then(
      (gateway) => {
        if (this.canceled) return;
        log.info(`Resolved ${this.targetName} address, beginning registration`);
        this.register(gateway, 1, this.config.initialRegistrationTimeoutMs);
      },
      (error: unknown) => {
        if (this.canceled) return;
        log.warn(
          `Could not resolve ${this.targetName} address ${this.targetAddress}, retrying in ` +
            `${this.config.errorDelayMs} ms:`,
          error,
        );
        this.schedule(() => this.startRegistration(), this.config.errorDelayMs);
      },
    );
  }

  /**
   * One registration call at the target. It must pass `timeoutMs` to the gateway
   * method's own timeout argument; the registration also enforces it.
   */
  protected abstract invokeRegistration(
    gateway: G,
    fencingToken: string | undefined,
    timeoutMs: number,
  ): Promise<RegistrationAttemptResponse<S, R>>;

  private connectToTarget(): Promise<G> {
    if (this.fencingToken === undefined) {
      return this.rpcService.connect(this.targetAddress, this.targetGateway);
    }
    // A token means the caller declared a fenced gateway; the type parameter cannot say so.
    const fenced = this.targetGateway as unknown as GatewayDefinition<G & FencedRpcGateway>;
    return this.rpcService.connectFenced(this.targetAddress, this.fencingToken, fenced);
  }

  private register(gateway: G, attempt: number, timeoutMs: number): void {
    if (this.canceled) return;
    let response: Promise<RegistrationAttemptResponse<S, R>>;
    try {
      log.info(`Registration at ${this.targetName} attempt ${attempt} (timeout=${timeoutMs}ms)`);
      response = Promise.resolve(this.invokeRegistration(gateway, this.fencingToken, timeoutMs));
    } catch (error) {
      this.failAndCancel(error);
      return;
    }

    // Whichever comes first, the reply or the timer, decides this attempt; the other is ignored.
    let decided = false;
    const timer = this.schedule(() => {
      if (decided) return;
      decided = true;
      this.onAttemptError(
        gateway,
        attempt,
        timeoutMs,
        new RpcTimeoutError(
          `Registration at ${this.targetName} (${this.targetAddress}) attempt ${attempt} timed out after ${timeoutMs} ms.`,
        ),
      );
    }, timeoutMs);
    response.then(
      (result) => {
        if (decided) return;
        decided = true;
        this.unschedule(timer);
        this.onResponse(gateway, result);
      },
      (error: unknown) => {
        if (decided) return;
        decided = true;
        this.unschedule(timer);
        this.onAttemptError(gateway, attempt, timeoutMs, error);
      },
    );
  }

  private onResponse(gateway: G, response: RegistrationAttemptResponse<S, R>): void {
    if (this.canceled) return;
    const kind = (response as { kind?: unknown } | null | undefined)?.kind;
    if (kind === 'success') {
      this.resolveFuture({ kind: 'success', gateway, success: response as S });
    } else if (kind === 'rejection') {
      log.info(`Registration at ${this.targetName} was rejected: ${(response as R).reason}`);
      this.resolveFuture({ kind: 'rejection', rejection: response as R });
    } else {
      if (kind === 'failure') {
        log.info(`Registration at ${this.targetName} failed: ${(response as RegistrationFailure).reason}`);
      } else {
        log.error('Received unknown response to registration attempt:', response);
      }
      log.info(`Pausing and re-attempting registration in ${this.config.refusedDelayMs} ms`);
      this.registerLater(gateway, this.config.refusedDelayMs);
    }
  }

  private onAttemptError(gateway: G, attempt: number, timeoutMs: number, error: unknown): void {
    if (this.canceled) return;
    if (isTimeout(error)) {
      // No answer in time: the target may be slow to start. Ask again at once, with more patience.
      log.debug(
        `Registration at ${this.targetName} (${this.targetAddress}) attempt ${attempt} timed out after ${timeoutMs} ms`,
      );
      this.register(gateway, attempt + 1, Math.min(2 * timeoutMs, this.config.maxRegistrationTimeoutMs));
    } else {
      log.error(`Registration at ${this.targetName} failed due to an error:`, error);
      log.info(`Pausing and re-attempting registration in ${this.config.errorDelayMs} ms`);
      this.registerLater(gateway, this.config.errorDelayMs);
    }
  }

  /** Starts over from the first attempt and the initial timeout after `delayMs`. */
  private registerLater(gateway: G, delayMs: number): void {
    this.schedule(() => this.register(gateway, 1, this.config.initialRegistrationTimeoutMs), delayMs);
  }

  private failAndCancel(error: unknown): void {
    this.rejectFuture(error instanceof Error ? error : new Error(String(error)));
    this.cancel();
  }

  private schedule(task: () => void, delayMs: number): ScheduledTask {
    const timer: ScheduledTask = this.executor.schedule(() => {
      this.timers.delete(timer);
      if (!this.canceled) task();
    }, delayMs);
    this.timers.add(timer);
    return timer;
  }

  private unschedule(timer: ScheduledTask): void {
    timer.cancel();
    this.timers.delete(timer);
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof RpcTimeoutError || codeOf(error) === RpcTimeoutError.code;
}
