// Runs an endpoint for each leader session this process wins: a grant creates
// a NEW endpoint fenced by that session (tokens are final, FLINK-27737) and
// confirms the leadership with its address once it has started; a revoke stops
// it. Leadership events are handled one after the other on a promise chain, as
// Flink's single-threaded leader event executors do, so a grant that arrives
// while the previous endpoint is still stopping waits for it. Flink writes this
// for each component (ResourceManagerServiceImpl, DefaultDispatcherRunner);
// here both are this class.

import { getLogger } from '../../actor/logger.js';
import type { RpcEndpoint } from '../../rpc/rpc-endpoint.js';
import type { LeaderContender, LeaderElectionService } from './leader-election.js';

const log = getLogger('leader-endpoint-service');

export interface LeaderEndpointServiceOptions<E extends RpcEndpoint> {
  /** For logs, e.g. `ResourceManager`. */
  readonly name: string;
  /** A new endpoint for the leader session `sessionId`, not started yet. */
  create(sessionId: string): E | Promise<E>;
  /** Settles once `endpoint` has started; rejects if it never will. Default: at once. */
  started?(endpoint: E): Promise<void>;
  /** Called when the leader election reports an error. Default: log it. */
  readonly onFatalError?: (error: Error) => void;
}

interface Leader<E> {
  readonly endpoint: E;
  readonly sessionId: string;
}

export class LeaderEndpointService<E extends RpcEndpoint> implements LeaderContender {
  private readonly onFatalError: (error: Error) => void;
  private running = false;
  private leader: Leader<E> | undefined;
  private leaderEvents: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly terminationFuture: Promise<void>;
  private settleTermination!: (error: Error | undefined) => void;

  constructor(
    private readonly leaderElectionService: LeaderElectionService,
    private readonly options: LeaderEndpointServiceOptions<E>,
  ) {
    this.onFatalError =
      options.onFatalError ?? ((error) => log.error(`Fatal error in the ${options.name} service.`, error));
    this.terminationFuture = new Promise<void>((resolve, reject) => {
      this.settleTermination = (error) => (error ? reject(error) : resolve());
    });
    this.terminationFuture.catch(() => {});
  }

  /**
   * Settles when the service is closed, or when the leading endpoint
   * terminated on its own (not through a revoke); it rejects if that one failed.
   */
  getTerminationFuture(): Promise<void> {
    return this.terminationFuture;
  }

  /** Enters the leader election. */
  start(): void {
    if (this.running || this.closing)
      throw new Error(`The ${this.options.name} service has already been started.`);
    this.running = true;
    log.info(`Starting the ${this.options.name} service.`);
    this.leaderElectionService.start(this);
  }

  /** The endpoint of the current session, once it has been created. */
  getLeader(): E | undefined {
    return this.leader?.endpoint;
  }

  grantLeadership(leaderSessionId: string): void {
    void this.handleLeaderEvent(async () => {
      if (!this.running) return;
      await this.stopLeader();
      if (!this.running) return;
      await this.startNewLeader(leaderSessionId);
    });
  }

  revokeLeadership(): void {
    void this.handleLeaderEvent(async () => {
      if (!this.running) return;
      await this.stopLeader();
    });
  }

  handleError(error: Error): void {
    this.onFatalError(error);
  }

  /** Leaves the election and stops the endpoint; resolves once it has terminated. */
  closeAsync(): Promise<void> {
    this.closing ??= (() => {
      this.running = false;
      try {
        this.leaderElectionService.stop();
      } catch (error) {
        log.warn('Could not leave the leader election.', error);
      }
      return this.handleLeaderEvent(() => this.stopLeader()).then(() => this.settleTermination(undefined));
    })();
    return this.closing;
  }

  private async startNewLeader(sessionId: string): Promise<void> {
    const endpoint = await this.options.create(sessionId);
    const leader: Leader<E> = { endpoint, sessionId };
    this.leader = leader;
    this.forwardTerminationFuture(leader);
    endpoint.start();
    try {
      await (this.options.started?.(endpoint) ?? Promise.resolve());
    } catch (error) {
      log.warn(`The ${this.options.name} of session ${sessionId} did not start.`, error);
      return;
    }
    // Only confirm while still the leader of that session, with that endpoint.
    if (this.leader === leader && this.leaderElectionService.hasLeadership(sessionId)) {
      this.leaderElectionService.confirmLeadership(sessionId, endpoint.getAddress());
      log.info(`The ${this.options.name} of session ${sessionId} leads, at ${endpoint.getAddress()}.`);
    } else {
      log.debug(`Leadership of session ${sessionId} was lost before the ${this.options.name} was confirmed.`);
    }
  }

  private async stopLeader(): Promise<void> {
    const leader = this.leader;
    if (!leader) return;
    this.leader = undefined;
    log.info(`Stopping the ${this.options.name} of session ${leader.sessionId}.`);
    try {
      await leader.endpoint.closeAsync();
    } catch (error) {
      log.warn(`The ${this.options.name} of session ${leader.sessionId} did not stop cleanly.`, error);
    }
  }

  /** A leading endpoint that terminates on its own ends the service, as in Flink. */
  private forwardTerminationFuture(leader: Leader<E>): void {
    const stillLeading = () => this.running && this.leader === leader;
    leader.endpoint.getTerminationFuture().then(
      () => {
        if (stillLeading()) this.settleTermination(undefined);
      },
      (error: unknown) => {
        if (stillLeading()) this.settleTermination(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  private handleLeaderEvent(event: () => Promise<void>): Promise<void> {
    const next = this.leaderEvents.then(event).catch((error: unknown) => {
      this.onFatalError(error instanceof Error ? error : new Error(String(error)));
    });
    this.leaderEvents = next;
    return next;
  }
}
