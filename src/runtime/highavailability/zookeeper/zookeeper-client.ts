// A promise-based ZooKeeper client with Curator's connection states and retry
// policy, the part of Flink's CuratorFramework that the HA services use. It is the
// only module that sees the library, so another client can replace it here alone.
//
// The library is node-zookeeper-client (pure JavaScript, MIT, 1.1.3 of December 2024): no
// native build, so it installs anywhere npm does and loads in worker threads on Node 20 and
// 24. The native `zookeeper` package needs a compiler on every machine and is not worker-safe.
// What the library lacks is added here, as Curator adds it to ZooKeeper's own client:
// - LOST: the library never gives up on a session, so a connection SUSPENDED for longer
//   than the negotiated session timeout counts as LOST (Curator's simulated expiry), the
//   handle is dropped and a new session started, which is reported as RECONNECTED.
// - Retries: an operation waits for a connection up to the connection timeout and is
//   retried on connection loss, retry-wait * 2^attempt apart, max-retry-attempts times.
// - Liveness: a request unanswered for 2/3 of the session timeout breaks the connection
//   (ZooKeeper's Java client does the same), so a silent server is noticed.
// - Settling: every promise settles; close() rejects what is pending, stops every timer
//   and ends the socket even where the library's own close would leave it open.

import nzc from 'node-zookeeper-client';
import { getLogger } from '../../../actor/logger.js';
import {
  ConnectionState,
  SessionConnectionStateErrorPolicy,
  StandardConnectionStateErrorPolicy,
  type ConnectionStateErrorPolicy,
  type ConnectionStateListener,
} from './connection-state.js';
import { ClientTimers, type ClientTimer } from './client-timers.js';
import {
  LibraryWatchers,
  kLibraryConnecting,
  libraryWatcherCount,
  parentOf,
  removeLibraryWatcher,
  shutDownLibraryClient,
  toStat,
  toZooKeeperError,
} from './node-zookeeper-client-adapter.js';
import {
  ConnectionLossError,
  NodeExistsError,
  NoNodeError,
  ZooKeeperClientClosedError,
} from './zookeeper-errors.js';
import {
  CreateMode,
  type CreateOptions,
  type NodeStat,
  type TransactionOp,
  type Watcher,
  type ZooKeeperClientLog,
  type ZooKeeperClientOptions,
} from './zookeeper-types.js';

const log = getLogger('zookeeper-client');

interface Pending {
  reject(error: Error): void;
}

export class ZooKeeperClient {
  readonly connectionStateErrorPolicy: ConnectionStateErrorPolicy;
  private readonly log: ZooKeeperClientLog;
  private readonly spinDelayMs: number;
  private handle: nzc.Client;
  private state: ConnectionState | null = null;
  private connected = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly startedAt = performance.now();
  private warnedNotConnected = false;
  private readonly listeners = new Set<ConnectionStateListener>();
  private readonly pending = new Set<Pending>();
  private readonly timers = new ClientTimers();
  private readonly connectionWaiters = new Set<() => void>();
  private readonly handleShutdowns = new Set<Promise<void>>();
  private readonly watchers = new LibraryWatchers(
    () => this.closed,
    (error) => this.log.warn('A ZooKeeper watcher failed.', error),
  );
  private lostTimer: ClientTimer | null = null;
  private probeTimer: ClientTimer | null = null;
  private handshakeTimer: ClientTimer | null = null;

  /** Starts connecting at once, as Curator's start(); operations wait for the connection. */
  constructor(readonly options: ZooKeeperClientOptions) {
    this.log = options.log ?? log;
    this.connectionStateErrorPolicy = options.tolerateSuspendedConnections
      ? SessionConnectionStateErrorPolicy
      : StandardConnectionStateErrorPolicy;
    // The library waits up to this long between rounds over the quorum; it also bounds
    // how fast a down server is polled.
    this.spinDelayMs = Math.max(50, Math.min(1000, options.retryWaitMs));
    this.handle = this.openHandle();
    this.timers.schedule(() => this.warnIfNeverConnected(), options.connectionTimeoutMs);
  }

  // ------------------------------------------------------------------ state

  /** The last reported state; null until the first connection. */
  getConnectionState(): ConnectionState | null {
    return this.state;
  }

  isConnected(): boolean {
    return this.connected && !this.closed;
  }

  /** The current session as 16 hex digits, or null while not connected. */
  getSessionId(): string | null {
    return this.isConnected() ? this.handle.getSessionId().toString('hex') : null;
  }

  /** Whether `state` ends leadership under the configured error policy. */
  isErrorState(state: ConnectionState): boolean {
    return this.connectionStateErrorPolicy.isErrorState(state);
  }

  /** Adds a listener of state changes; returns its removal. */
  addConnectionStateListener(listener: ConnectionStateListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves true once connected, false if `timeoutMs` passes or the client closes first. */
  async blockUntilConnected(timeoutMs: number): Promise<boolean> {
    try {
      await this.waitForConnection(timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  // ------------------------------------------------------------------ operations

  /** Creates a node; resolves with its path (which has the sequence number for sequential modes). */
  async create(path: string, data: Buffer | null = null, options: CreateOptions = {}): Promise<string> {
    const mode = nzc.CreateMode[options.mode ?? CreateMode.PERSISTENT];
    const once = (): Promise<string> =>
      this.retrying('create', path, (handle) =>
        this.call<string>('create', path, (done) => handle.create(path, data ?? undefined, mode, done)),
      );
    try {
      return await once();
    } catch (error) {
      if (!(error instanceof NoNodeError) || !options.createParents) throw error;
      await this.ensurePath(parentOf(path));
      return once();
    }
  }

  /** Creates `path` and its missing parents as empty persistent nodes (Curator's EnsurePath). */
  async ensurePath(path: string): Promise<void> {
    let prefix = '';
    for (const part of path.split('/').filter((p) => p !== '')) {
      prefix += `/${part}`;
      const node = prefix;
      await this.retrying('create', node, (handle) =>
        this.call<string>('create', node, (done) =>
          handle.create(node, undefined, nzc.CreateMode.PERSISTENT, done),
        ),
      ).catch((error: unknown) => {
        if (!(error instanceof NodeExistsError)) throw error;
      });
    }
  }

  async getData(path: string, watcher?: Watcher): Promise<{ data: Buffer | null; stat: NodeStat }> {
    const wrapped = this.watchers.wrap(watcher);
    return this.retrying('getData', path, (handle) =>
      this.call<{ data: Buffer | null; stat: NodeStat }>('getData', path, (done) =>
        handle.getData(path, wrapped, (error, data, stat) =>
          done(error, error ? undefined : { data: data ?? null, stat: toStat(stat) }),
        ),
      ),
    );
  }

  /** Sets the data if the node's version is `version` (-1: any version); resolves with the new stat. */
  async setData(path: string, data: Buffer | null, version = -1): Promise<NodeStat> {
    return this.retrying('setData', path, (handle) =>
      this.call<NodeStat>('setData', path, (done) =>
        handle.setData(path, data, version, (error, stat) => done(error, error ? undefined : toStat(stat))),
      ),
    );
  }

  async delete(path: string, version = -1): Promise<void> {
    return this.retrying('delete', path, (handle) =>
      this.call<void>('delete', path, (done) => handle.remove(path, version, (error) => done(error))),
    );
  }

  /** The node's stat, or null; a watcher set on a missing node fires when it is created. */
  async exists(path: string, watcher?: Watcher): Promise<NodeStat | null> {
    const wrapped = this.watchers.wrap(watcher);
    return this.retrying('exists', path, (handle) =>
      this.call<NodeStat | null>('exists', path, (done) =>
        handle.exists(path, wrapped, (error, stat) => done(error, error ? undefined : stat && toStat(stat))),
      ),
    );
  }

  async getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    const wrapped = this.watchers.wrap(watcher);
    return this.retrying('getChildren', path, (handle) =>
      this.call<string[]>('getChildren', path, (done) =>
        handle.getChildren(path, wrapped, (error, children) => done(error, children)),
      ),
    );
  }

  /** Forgets `watcher` on `path`, as Curator's WatcherRemovalManager does on a recipe's close. */
  removeWatcher(path: string, watcher: Watcher): void {
    const wrapped = this.watchers.libraryWatcherOf(watcher);
    if (wrapped) removeLibraryWatcher(this.handle, path, wrapped);
  }

  /** How many watchers this client holds on `path`: diagnostics, and the tests of removeWatcher. */
  watcherCount(path: string): number {
    return libraryWatcherCount(this.handle, path);
  }

  /** Runs `ops` atomically (ZooKeeper's multi); rejects with the first failing op's error. */
  async transaction(ops: readonly TransactionOp[]): Promise<void> {
    const where = ops.map((op) => `${op.op} ${op.path}`).join(', ');
    return this.retrying('transaction', where, (handle) =>
      this.call<void>('transaction', where, (done) => {
        let tx = handle.transaction();
        for (const op of ops) {
          if (op.op === 'create')
            tx = tx.create(op.path, op.data, nzc.CreateMode[op.mode ?? CreateMode.PERSISTENT]);
          else if (op.op === 'check') tx = tx.check(op.path, op.version ?? -1);
          else if (op.op === 'setData') tx = tx.setData(op.path, op.data, op.version ?? -1);
          else tx = tx.remove(op.path, op.version ?? -1);
        }
        tx.commit((error) => done(error));
      }),
    );
  }

  /**
   * Ends the session (its ephemeral nodes go at once), rejects every pending operation
   * with ZooKeeperClientClosedError, and resolves once the socket and all timers are gone.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.connected = false;
      this.timers.cancelAll();
      this.lostTimer = null;
      this.probeTimer = null;
      this.handshakeTimer = null;
      this.listeners.clear();
      const closedError = new ZooKeeperClientClosedError('The ZooKeeper client has been closed.');
      for (const pending of [...this.pending]) pending.reject(closedError);
      for (const wake of [...this.connectionWaiters]) wake();
      this.shutdownHandle(this.handle);
      await Promise.all(this.handleShutdowns);
    })();
    return this.closing;
  }

  // ------------------------------------------------------------------ connection

  private openHandle(): nzc.Client {
    const handle = nzc.createClient(this.options.connectString, {
      sessionTimeout: this.options.sessionTimeoutMs,
      spinDelay: this.spinDelayMs,
      retries: 0,
    });
    handle.on('connected', () => this.onConnected(handle));
    handle.on('disconnected', () => this.onDisconnected(handle));
    handle.on('expired', () => this.onLost(handle, 'the session expired'));
    handle.on('authenticationFailed', () => this.onLost(handle, 'authentication failed'));
    handle.connect();
    this.watchHandshakes(handle);
    return handle;
  }

  /**
   * The library times the TCP connect but not the session handshake after it: a server
   * that accepts while starting or stopping and never answers would hold it forever
   * (seen here on restarts). A connection attempt still handshaking one tick later is ended,
   * which makes the library try again.
   */
  private watchHandshakes(handle: nzc.Client): void {
    const tickMs = Math.max(500, Math.min(2000, this.options.sessionTimeoutMs / 6));
    let seen: unknown = null;
    const tick = (): void => {
      if (handle !== this.handle || this.closed || this.connected) return;
      const manager = handle.connectionManager;
      const handshaking = manager.state === kLibraryConnecting ? manager.socket : undefined;
      if (handshaking && handshaking === seen && !handshaking.connecting) {
        this.log.debug(`ZooKeeper did not answer the session handshake within ${tickMs} ms; trying again.`);
        handshaking.destroy();
      }
      seen = handshaking ?? null;
      this.handshakeTimer = this.timers.schedule(tick, tickMs);
    };
    this.timers.cancel(this.handshakeTimer);
    this.handshakeTimer = this.timers.schedule(tick, tickMs);
  }

  private onConnected(handle: nzc.Client): void {
    if (handle !== this.handle || this.closed) return;
    this.connected = true;
    this.timers.cancel(this.lostTimer);
    this.lostTimer = null;
    const session = `${handle.getSessionId().toString('hex')}, timeout ${handle.getSessionTimeout()} ms`;
    if (this.state === null) {
      const after = Math.round(performance.now() - this.startedAt);
      const message = `Connected to ZooKeeper quorum ${this.options.connectString} (session 0x${session})`;
      if (this.warnedNotConnected) this.log.info(`${message} after ${after} ms.`);
      else this.log.debug(`${message}.`);
    } else {
      this.log.info(`Reconnected to ZooKeeper quorum ${this.options.connectString} (session 0x${session}).`);
    }
    for (const wake of [...this.connectionWaiters]) wake();
    this.scheduleProbe(handle);
    this.setState(this.state === null ? ConnectionState.CONNECTED : ConnectionState.RECONNECTED);
  }

  private onDisconnected(handle: nzc.Client): void {
    if (handle !== this.handle || this.closed || !this.connected) return;
    this.connected = false;
    this.timers.cancel(this.probeTimer);
    this.probeTimer = null;
    // Curator's simulated expiry: the server expires a session it has not heard from
    // for the negotiated timeout, so waiting longer cannot save it.
    const negotiatedMs = handle.getSessionTimeout();
    this.lostTimer = this.timers.schedule(
      () => this.onLost(handle, `no connection for the session timeout of ${negotiatedMs} ms`),
      negotiatedMs,
    );
    this.watchHandshakes(handle);
    this.log.warn(
      `Connection to ZooKeeper quorum ${this.options.connectString} suspended (session ` +
        `0x${handle.getSessionId().toString('hex')}), waiting for reconnection.`,
    );
    this.setState(ConnectionState.SUSPENDED);
  }

  /** The session is gone: report LOST and start over with a new handle, hence a new session. */
  private onLost(handle: nzc.Client, reason: string): void {
    if (handle !== this.handle || this.closed) return;
    this.connected = false;
    this.timers.cancel(this.lostTimer);
    this.lostTimer = null;
    this.timers.cancel(this.probeTimer);
    this.probeTimer = null;
    this.log.warn(
      `Connection to ZooKeeper quorum ${this.options.connectString} lost (${reason}); starting a new session.`,
    );
    this.shutdownHandle(handle);
    this.handle = this.openHandle();
    // Before the first connection there is no session to lose.
    if (this.state !== null) this.setState(ConnectionState.LOST);
  }

  private setState(state: ConnectionState): void {
    if (this.closed) return;
    this.state = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.log.warn('A ZooKeeper connection state listener failed.', error);
      }
    }
  }

  private warnIfNeverConnected(): void {
    if (this.state !== null || this.closed) return;
    this.warnedNotConnected = true;
    this.log.warn(
      `Could not connect to ZooKeeper quorum ${this.options.connectString} within ` +
        `${this.options.connectionTimeoutMs} ms; still trying in the background.`,
    );
  }

  /** Sends a cheap request now and then; one unanswered for 2/3 of the session timeout breaks the connection. */
  private scheduleProbe(handle: nzc.Client): void {
    const sessionMs = handle.getSessionTimeout();
    this.timers.cancel(this.probeTimer);
    this.probeTimer = this.timers.schedule(() => {
      if (handle !== this.handle || !this.connected) return;
      let answered = false;
      const deadline = this.timers.schedule(
        () => {
          if (answered || handle !== this.handle || !this.connected) return;
          this.log.warn(
            `ZooKeeper did not answer within ${Math.round((sessionMs * 2) / 3)} ms; reconnecting.`,
          );
          handle.connectionManager.socket?.destroy();
        },
        (sessionMs * 2) / 3,
      );
      handle.exists('/', undefined, () => {
        answered = true;
        this.timers.cancel(deadline);
        if (handle === this.handle && this.connected) this.scheduleProbe(handle);
      });
    }, sessionMs / 3);
  }

  /** Ends a library handle for good: closes its session if connected, then its socket and timers. */
  private shutdownHandle(handle: nzc.Client): void {
    const done = shutDownLibraryClient(handle, this.spinDelayMs);
    this.handleShutdowns.add(done);
    void done.then(() => this.handleShutdowns.delete(done));
  }

  // ------------------------------------------------------------------ plumbing

  /** Curator's RetryLoop: wait for a connection, run, and retry on connection loss. */
  private async retrying<T>(
    op: string,
    path: string,
    attempt: (handle: nzc.Client) => Promise<T>,
  ): Promise<T> {
    for (let attempts = 0; ; attempts++) {
      this.checkNotClosed();
      try {
        await this.waitForConnection(this.options.connectionTimeoutMs);
        return await attempt(this.handle);
      } catch (error) {
        if (!(error instanceof ConnectionLossError) || attempts >= this.options.maxRetryAttempts) throw error;
        this.log.debug(`${op} ${path} failed on connection loss; retry ${attempts + 1}.`);
        await this.sleep(this.options.retryWaitMs * 2 ** attempts);
      }
    }
  }

  private waitForConnection(timeoutMs: number): Promise<void> {
    this.checkNotClosed();
    if (this.connected) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        this.connectionWaiters.delete(wake);
        this.timers.cancel(timer);
        if (this.closed) reject(new ZooKeeperClientClosedError('The ZooKeeper client has been closed.'));
        else resolve();
      };
      const timer = this.timers.schedule(() => {
        this.connectionWaiters.delete(wake);
        reject(
          new ConnectionLossError(
            `Not connected to ZooKeeper quorum ${this.options.connectString} within ${timeoutMs} ms.`,
          ),
        );
      }, timeoutMs);
      this.connectionWaiters.add(wake);
    });
  }

  /** One library call as a promise that also settles when the client closes. */
  private call<T>(
    op: string,
    path: string,
    invoke: (done: (error: nzc.Exception | null, result?: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const pending: Pending = {
        reject: (error) => {
          if (settled) return;
          settled = true;
          this.pending.delete(pending);
          reject(error);
        },
      };
      this.pending.add(pending);
      invoke((error, result) => {
        if (settled) return;
        settled = true;
        this.pending.delete(pending);
        if (error) reject(toZooKeeperError(error, op, path));
        else resolve(result as T);
      });
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = { reject };
      this.pending.add(pending);
      this.timers.schedule(() => {
        this.pending.delete(pending);
        resolve();
      }, ms);
    });
  }

  private checkNotClosed(): void {
    if (this.closed) throw new ZooKeeperClientClosedError('The ZooKeeper client has been closed.');
  }
}
