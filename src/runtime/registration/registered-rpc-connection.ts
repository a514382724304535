// A connection to a component that must first accept a registration, such as
// TaskExecutor → ResourceManager. It owns one RetryingRegistration at a time and
// hands its outcome to the subclass on the executor. Mirrors Flink's
// RegisteredRpcConnection. Beyond Flink, an outcome is dropped unless it comes
// from the registration that is still current, so a success queued just before
// tryReconnect() cannot be delivered after it.

import { getLogger } from '../../actor/logger.js';
import type { RpcGateway } from '../../rpc/gateway.js';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import type { RegistrationRejection, RegistrationSuccess } from '../types/registration-response.js';
import { IllegalRegistrationStateError, RegistrationCancelledError } from './errors.js';
import type { RetryingRegistration, RetryingRegistrationResult } from './retrying-registration.js';

const log = getLogger('registered-rpc-connection');

export abstract class RegisteredRpcConnection<
  G extends RpcGateway,
  S extends RegistrationSuccess,
  R extends RegistrationRejection = RegistrationRejection,
> {
  private pendingRegistration: RetryingRegistration<G, S, R> | undefined;
  /** Undefined until a registration succeeds. */
  private targetGateway: G | undefined;
  private closed = false;

  constructor(
    private readonly targetAddress: string,
    private readonly fencingToken: string | undefined,
    private readonly executor: ScheduledExecutor,
  ) {}

  /** Starts registering. Only once: not after close(), a success, or while a registration is pending. */
  start(): void {
    if (this.closed) throw new IllegalRegistrationStateError('The RPC connection is already closed');
    if (this.isConnected() || this.pendingRegistration !== undefined) {
      throw new IllegalRegistrationStateError('The RPC connection is already started');
    }
    const registration = this.createNewRegistration();
    this.pendingRegistration = registration;
    registration.startRegistration();
  }

  /**
   * Registers again at the same target, replacing any pending registration.
   * Only for a connection that has succeeded once; false once closed.
   */
  tryReconnect(): boolean {
    if (!this.isConnected()) {
      throw new IllegalRegistrationStateError('Cannot reconnect to an unknown destination.');
    }
    if (this.closed) return false;
    this.pendingRegistration?.cancel();
    const registration = this.createNewRegistration();
    this.pendingRegistration = registration;
    registration.startRegistration();
    return true;
  }

  /** Closes the connection for good; a pending registration is cancelled and late outcomes are ignored. */
  close(): void {
    this.closed = true;
    this.pendingRegistration?.cancel();
  }

  isClosed(): boolean {
    return this.closed;
  }

  isConnected(): boolean {
    return this.targetGateway !== undefined;
  }

  getTargetGateway(): G | undefined {
    return this.targetGateway;
  }

  getTargetLeaderId(): string | undefined {
    return this.fencingToken;
  }

  getTargetAddress(): string {
    return this.targetAddress;
  }

  toString(): string {
    const target = `(ADDRESS: ${this.targetAddress} FENCINGTOKEN: ${this.fencingToken ?? 'none'})`;
    const state = this.closed ? 'is closed' : this.isConnected() ? 'is established' : 'is connecting';
    return `RPC connection to ${target} ${state}`;
  }

  /** A new, not yet started registration at this connection's target. */
  protected abstract generateRegistration(): RetryingRegistration<G, S, R>;
  protected abstract onRegistrationSuccess(success: S): void;
  protected abstract onRegistrationFailure(failure: Error): void;
  protected abstract onRegistrationRejection(rejection: R): void;

  private createNewRegistration(): RetryingRegistration<G, S, R> {
    const registration = this.generateRegistration();
    registration.getFuture().then(
      (result) => this.executor.execute(() => this.handleResult(registration, result)),
      (error: unknown) => {
        // Cancellation is how this class stops a registration; it is not a failure, and needs no executor turn.
        if (error instanceof RegistrationCancelledError) {
          log.debug(`Retrying registration towards ${this.targetAddress} was cancelled.`);
          return;
        }
        this.executor.execute(() => this.handleFailure(registration, error));
      },
    );
    return registration;
  }

  private isCurrent(registration: RetryingRegistration<G, S, R>): boolean {
    return !this.closed && registration === this.pendingRegistration;
  }

  private handleResult(
    registration: RetryingRegistration<G, S, R>,
    result: RetryingRegistrationResult<G, S, R>,
  ): void {
    if (!this.isCurrent(registration)) {
      log.debug(`Ignoring an outdated registration outcome from ${this.targetAddress}.`);
      return;
    }
    if (result.kind === 'success') {
      this.targetGateway = result.gateway;
      this.onRegistrationSuccess(result.success);
    } else {
      this.onRegistrationRejection(result.rejection);
    }
  }

  private handleFailure(registration: RetryingRegistration<G, S, R>, error: unknown): void {
    if (!this.isCurrent(registration)) return;
    this.onRegistrationFailure(error instanceof Error ? error : new Error(String(error)));
  }
}
