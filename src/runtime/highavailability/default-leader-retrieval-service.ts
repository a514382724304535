// Leader retrieval over a pluggable driver, mirroring Flink's
// DefaultLeaderRetrievalService: the listener hears only real changes, and
// nothing (leader or error) after stop(), however late the driver reports.

import { IllegalLeaderServiceStateError, LeaderRetrievalError } from './errors.js';
import type { KnownLeader, LeaderRetrievalListener, LeaderRetrievalService } from './leader-retrieval.js';
import type {
  LeaderInformation,
  LeaderRetrievalDriver,
  LeaderRetrievalDriverFactory,
  LeaderRetrievalEventHandler,
} from './leader-retrieval-driver.js';

export class DefaultLeaderRetrievalService implements LeaderRetrievalService, LeaderRetrievalEventHandler {
  private listener: LeaderRetrievalListener | null = null;
  private driver: LeaderRetrievalDriver | null = null;
  private running = false;
  private lastLeaderAddress: string | null = null;
  private lastLeaderSessionId: string | null = null;

  constructor(private readonly driverFactory: LeaderRetrievalDriverFactory) {}

  start(listener: LeaderRetrievalListener, known?: KnownLeader): void {
    if (this.listener) {
      throw new IllegalLeaderServiceStateError('DefaultLeaderRetrievalService can only be started once.');
    }
    this.listener = listener;
    // Changes are measured from the leader the listener follows: without it a first
    // "no leader" would look like no change, and the listener would keep a stale one.
    this.lastLeaderAddress = known?.address ?? null;
    this.lastLeaderSessionId = known?.sessionId ?? null;
    // Running before the driver exists, so that a driver which reports while it is
    // being created is heard.
    this.running = true;
    this.driver = this.driverFactory.createLeaderRetrievalDriver(this, (error) => this.onFatalError(error));
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.driver?.close();
  }

  notifyLeaderAddress({ leaderAddress, leaderSessionId }: LeaderInformation): void {
    if (!this.running || !this.listener) return;
    if (leaderAddress === this.lastLeaderAddress && leaderSessionId === this.lastLeaderSessionId) return;
    this.lastLeaderAddress = leaderAddress;
    this.lastLeaderSessionId = leaderSessionId;
    this.listener.notifyLeaderAddress(leaderAddress, leaderSessionId);
  }

  private onFatalError(error: Error): void {
    if (!this.running || !this.listener) return;
    this.listener.handleError(
      error instanceof LeaderRetrievalError
        ? error
        : new LeaderRetrievalError(error.message, { cause: error }),
    );
  }
}
