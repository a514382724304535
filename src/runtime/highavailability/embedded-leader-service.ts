// Leader election inside one process, mirroring Flink's EmbeddedLeaderService:
// the first contender is proposed a random session id, listeners learn the leader
// once it confirms, and every call-out goes through the notification executor.
// Each queued call re-checks, when it runs, that it is still current, so a
// stopped contender or listener hears nothing and a superseded grant is dropped.
// Two departures from Flink, both on purpose: revokeLeadership() re-grants at once
// (a MiniCluster uses it to force a new session), and shutdown() hands every
// contender and listener a LeaderServiceShutdownError instead of only detaching them.

import { randomUUID } from 'node:crypto';
import type { ScheduledExecutor } from '../../rpc/scheduled-executor.js';
import { IllegalLeaderServiceStateError, LeaderServiceShutdownError } from './errors.js';
import type { LeaderContender, LeaderElectionService } from './leader-election.js';
import type { LeaderRetrievalListener, LeaderRetrievalService } from './leader-retrieval.js';

/** Where notifications run; a ScheduledExecutor or a ManualExecutor in tests. */
export type NotificationExecutor = Pick<ScheduledExecutor, 'execute'>;

/** The state behind one LeaderElectionService handed out by this service. */
interface ContenderEntry {
  contender: LeaderContender | null;
  running: boolean;
  /** Proposed or confirmed leader (Flink's isLeader). */
  isLeader: boolean;
  /** Session whose grant the contender has heard and whose revocation it has not. */
  grantedSessionId: string | null;
}

/** The state behind one LeaderRetrievalService handed out by this service. */
interface ListenerEntry {
  listener: LeaderRetrievalListener | null;
  running: boolean;
}

function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

export class EmbeddedLeaderService {
  // Sets keep insertion order, so "the first contender" is the earliest to start.
  private readonly allLeaderContenders = new Set<ContenderEntry>();
  private readonly listeners = new Set<ListenerEntry>();
  /** Granted leadership, not yet confirmed. */
  private currentLeaderProposed: ContenderEntry | null = null;
  /** Confirmed leadership; listeners have been told. */
  private currentLeaderConfirmed: ContenderEntry | null = null;
  private currentLeaderSessionId: string | null = null;
  private currentLeaderAddress: string | null = null;
  private shutdown_ = false;

  constructor(
    private readonly notificationExecutor: NotificationExecutor,
    private readonly newSessionId: () => string = randomUUID,
  ) {}

  // ---------------------------------------------------------------- services

  createLeaderElectionService(): LeaderElectionService {
    this.checkNotShutdown();
    const entry: ContenderEntry = {
      contender: null,
      running: false,
      isLeader: false,
      grantedSessionId: null,
    };
    return {
      start: (contender) => this.addContender(entry, contender),
      stop: () => this.removeContender(entry),
      confirmLeadership: (sessionId, address) => this.confirmLeader(entry, sessionId, address),
      hasLeadership: (sessionId) => entry.isLeader && sessionId === this.currentLeaderSessionId,
    };
  }

  createLeaderRetrievalService(): LeaderRetrievalService {
    this.checkNotShutdown();
    const entry: ListenerEntry = { listener: null, running: false };
    return {
      start: (listener) => this.addListener(entry, listener),
      stop: () => this.removeListener(entry),
    };
  }

  // ---------------------------------------------------------------- control

  /** Proposes leadership to a contender if there is no leader; resolves once the grant has run. */
  grantLeadership(): Promise<void> {
    if (this.shutdown_) return this.shutDownFuture();
    return this.updateLeader();
  }

  /**
   * Takes leadership from the current leader, tells listeners there is none, and
   * proposes a new session to the first contender. Resolves once those calls have run.
   */
  revokeLeadership(): Promise<void> {
    if (this.shutdown_) return this.shutDownFuture();
    const leader = this.currentLeaderConfirmed ?? this.currentLeaderProposed;
    if (!leader || !leader.contender || this.currentLeaderSessionId === null) return Promise.resolve();

    leader.isLeader = false;
    const revoked = this.execute(
      this.revokeLeadershipCall(leader, leader.contender, this.currentLeaderSessionId),
    );
    const notified = this.notifyAllListeners(null, null);
    this.currentLeaderProposed = null;
    this.currentLeaderConfirmed = null;
    this.currentLeaderAddress = null;
    this.currentLeaderSessionId = null;
    const regranted = this.updateLeader();
    return Promise.all([revoked, notified, regranted]).then(() => undefined);
  }

  /** Fails every contender and listener with a LeaderServiceShutdownError and stops serving. */
  shutdown(): void {
    this.shutdownInternally(new LeaderServiceShutdownError('Leader election service is shutting down'));
  }

  isShutdown(): boolean {
    return this.shutdown_;
  }

  private fatalError(cause: Error): void {
    this.shutdownInternally(
      new LeaderServiceShutdownError('Leader election service is shutting down after a fatal error', {
        cause,
      }),
    );
  }

  private shutdownInternally(error: LeaderServiceShutdownError): void {
    if (this.shutdown_) return;
    this.shutdown_ = true;
    this.currentLeaderProposed = null;
    this.currentLeaderConfirmed = null;
    this.currentLeaderSessionId = null;
    this.currentLeaderAddress = null;

    const contenders = [...this.allLeaderContenders];
    const listeners = [...this.listeners];
    this.allLeaderContenders.clear();
    this.listeners.clear();
    for (const entry of contenders) {
      const contender = this.detachContender(entry);
      contender?.handleError(error);
    }
    for (const entry of listeners) {
      const listener = entry.listener;
      entry.listener = null;
      entry.running = false;
      listener?.handleError(error);
    }
  }

  // ---------------------------------------------------------------- contenders

  private addContender(entry: ContenderEntry, contender: LeaderContender): void {
    this.checkNotShutdown();
    if (entry.running) throw new IllegalLeaderServiceStateError('leader election service is already started');
    entry.contender = contender;
    entry.running = true;
    this.allLeaderContenders.add(entry);
    void this.updateLeader();
  }

  private removeContender(entry: ContenderEntry): void {
    if (!entry.running || this.shutdown_) return;
    this.allLeaderContenders.delete(entry);
    this.detachContender(entry);

    if (this.currentLeaderConfirmed === entry) {
      this.currentLeaderConfirmed = null;
      this.currentLeaderSessionId = null;
      this.currentLeaderAddress = null;
    }
    if (this.currentLeaderProposed === entry) {
      this.currentLeaderProposed = null;
      this.currentLeaderSessionId = null;
    }
    void this.updateLeader();
  }

  /** Marks the entry stopped; a contender that heard a grant hears the revocation now. */
  private detachContender(entry: ContenderEntry): LeaderContender | null {
    const contender = entry.contender;
    const wasGranted = entry.grantedSessionId !== null;
    entry.contender = null;
    entry.running = false;
    entry.isLeader = false;
    entry.grantedSessionId = null;
    if (wasGranted) contender?.revokeLeadership();
    return contender;
  }

  private confirmLeader(entry: ContenderEntry, sessionId: string, address: string): void {
    if (!entry.running || this.shutdown_) return;
    // Only the pending proposal can be confirmed; anything else is a stale grant.
    if (entry !== this.currentLeaderProposed || sessionId !== this.currentLeaderSessionId) return;
    this.currentLeaderConfirmed = entry;
    this.currentLeaderAddress = address;
    this.currentLeaderProposed = null;
    void this.notifyAllListeners(address, sessionId);
  }

  private updateLeader(): Promise<void> {
    if (this.currentLeaderConfirmed || this.currentLeaderProposed) return Promise.resolve();
    const [next] = this.allLeaderContenders;
    if (!next || !next.contender) return this.notifyAllListeners(null, null);

    const sessionId = this.newSessionId();
    this.currentLeaderSessionId = sessionId;
    this.currentLeaderProposed = next;
    next.isLeader = true;
    return this.execute(this.grantLeadershipCall(next, next.contender, sessionId));
  }

  private grantLeadershipCall(
    entry: ContenderEntry,
    contender: LeaderContender,
    sessionId: string,
  ): () => void {
    return () => {
      // Dropped if the contender stopped or the proposal was revoked or replaced meanwhile.
      if (entry.contender !== contender || entry !== this.currentLeaderProposed) return;
      if (sessionId !== this.currentLeaderSessionId) return;
      entry.grantedSessionId = sessionId;
      try {
        contender.grantLeadership(sessionId);
      } catch (error) {
        contender.handleError(toError(error));
      }
    };
  }

  private revokeLeadershipCall(
    entry: ContenderEntry,
    contender: LeaderContender,
    sessionId: string,
  ): () => void {
    return () => {
      // Only a grant the contender heard is revoked, and only once.
      if (entry.contender !== contender || entry.grantedSessionId !== sessionId) return;
      entry.grantedSessionId = null;
      contender.revokeLeadership();
    };
  }

  // ---------------------------------------------------------------- listeners

  private addListener(entry: ListenerEntry, listener: LeaderRetrievalListener): void {
    this.checkNotShutdown();
    if (entry.running)
      throw new IllegalLeaderServiceStateError('leader retrieval service is already started');
    entry.listener = listener;
    entry.running = true;
    this.listeners.add(entry);
    // A late listener still learns the current leader.
    if (this.currentLeaderConfirmed) {
      void this.notifyListener(entry, this.currentLeaderAddress, this.currentLeaderSessionId);
    }
  }

  private removeListener(entry: ListenerEntry): void {
    if (!entry.running || this.shutdown_) return;
    this.listeners.delete(entry);
    entry.listener = null;
    entry.running = false;
  }

  private notifyAllListeners(address: string | null, sessionId: string | null): Promise<void> {
    return Promise.all(
      [...this.listeners].map((entry) => this.notifyListener(entry, address, sessionId)),
    ).then(() => undefined);
  }

  private notifyListener(
    entry: ListenerEntry,
    address: string | null,
    sessionId: string | null,
  ): Promise<void> {
    const listener = entry.listener;
    return this.execute(() => {
      if (!listener || entry.listener !== listener) return; // stopped meanwhile
      try {
        listener.notifyLeaderAddress(address, sessionId);
      } catch (error) {
        listener.handleError(toError(error));
      }
    });
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs `task` on the notification executor; the promise resolves once it has run.
   * A task that throws even past its own handleError call shuts the service down,
   * as Flink's fatalError does, rather than leaving a rejection nobody handles.
   */
  private execute(task: () => void): Promise<void> {
    return new Promise<void>((resolve) => {
      this.notificationExecutor.execute(() => {
        try {
          task();
        } catch (error) {
          this.fatalError(toError(error));
        } finally {
          resolve();
        }
      });
    });
  }

  private checkNotShutdown(): void {
    if (this.shutdown_) throw new IllegalLeaderServiceStateError('leader election service is shut down');
  }

  private shutDownFuture(): Promise<void> {
    return Promise.reject(new LeaderServiceShutdownError('EmbeddedLeaderService has been shut down.'));
  }
}
