// What node-zookeeper-client's types and codes mean in threadlink's terms: watch
// events, stats, and errors with stable codes. Only this module and
// zookeeper-client.ts see the library (see that module for why this library).

import nzc from 'node-zookeeper-client';
import {
  BadVersionError,
  ConnectionLossError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  SessionExpiredError,
  ZooKeeperError,
} from './zookeeper-errors.js';
import type { NodeStat, WatchedEventType, Watcher } from './zookeeper-types.js';

const kEventTypes: Record<number, WatchedEventType> = {
  [nzc.Event.NODE_CREATED]: 'NodeCreated',
  [nzc.Event.NODE_DELETED]: 'NodeDeleted',
  [nzc.Event.NODE_DATA_CHANGED]: 'NodeDataChanged',
  [nzc.Event.NODE_CHILDREN_CHANGED]: 'NodeChildrenChanged',
};
const kNoOwner = '0000000000000000';
// The library's ConnectionManager states that matter here.
export const kLibraryConnecting = 1;
export const kLibraryConnected = 2;
export const kLibraryClosing = -1;
export const kLibraryClosed = -2;
/** How long a session close may take before the socket is ended by hand. */
const kCloseGraceMs = 1000;

export function toStat(stat: nzc.Stat): NodeStat {
  const owner = stat.ephemeralOwner.toString('hex');
  return {
    version: stat.version,
    cversion: stat.cversion,
    numChildren: stat.numChildren,
    ephemeralOwner: owner === kNoOwner ? null : owner,
  };
}

export function toZooKeeperError(error: nzc.Exception, op: string, path: string): ZooKeeperError {
  const code = error.getCode();
  const message = `${op} ${path}: ${error.name ?? 'ZooKeeper error'} (${code})`;
  const { Exception } = nzc;
  let result: ZooKeeperError;
  if (code === Exception.NO_NODE) result = new NoNodeError(message);
  else if (code === Exception.NODE_EXISTS) result = new NodeExistsError(message);
  else if (code === Exception.BAD_VERSION) result = new BadVersionError(message);
  else if (code === Exception.NOT_EMPTY) result = new NotEmptyError(message);
  else if (code === Exception.CONNECTION_LOSS || code === Exception.OPERATION_TIMEOUT) {
    result = new ConnectionLossError(message);
  } else if (code === Exception.SESSION_EXPIRED) result = new SessionExpiredError(message);
  else result = new ZooKeeperError(message);
  result.keeperCode = code;
  return result;
}

export function parentOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

/**
 * Ends a library client and its socket; settles once the library says CLOSED, or
 * after a bounded wait. Its own close() can leave a socket open: it writes to a
 * socket that may not exist yet, and keeps retrying a connect.
 */
export function shutDownLibraryClient(handle: nzc.Client, spinDelayMs: number): Promise<void> {
  handle.removeAllListeners('connected');
  handle.removeAllListeners('disconnected');
  handle.removeAllListeners('expired');
  handle.removeAllListeners('authenticationFailed');
  const manager = handle.connectionManager;
  if (manager.state === kLibraryClosed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(grace);
      clearTimeout(last);
      manager.off('state', onState);
      if (manager.connectTimeoutHandler) clearTimeout(manager.connectTimeoutHandler);
      resolve();
    };
    const onState = (state: number): void => {
      if (state === kLibraryClosed) finish();
    };
    manager.on('state', onState);
    if (manager.state === kLibraryConnected) {
      handle.close(); // sends closeSession; the server then ends the connection
    } else {
      // The library's close() would write to a socket that may not exist yet. CLOSING
      // stops its retries: the socket is ended now, and one waiting to be opened fails
      // or is dropped on its first answer; `last` bounds that wait.
      manager.setState(kLibraryClosing);
      manager.socket?.destroy();
    }
    const grace = setTimeout(() => manager.socket?.destroy(), kCloseGraceMs);
    const last = setTimeout(
      () => {
        manager.socket?.destroy();
        finish();
      },
      kCloseGraceMs + spinDelayMs + 1000,
    );
  });
}

const kWatcherKinds = ['dataWatchers', 'existenceWatchers', 'childWatchers'] as const;

/**
 * Drops `watcher` from the library's watchers of `path`, on this side only: the
 * library has no removeWatches (ZooKeeper 3.6's, with local=true, which Curator's
 * WatcherRemovalManager uses when a recipe closes), and keeps a watcher until its
 * watch fires. A watch left on the server fires once more, to no one.
 */
export function removeLibraryWatcher(handle: nzc.Client, path: string, watcher: nzc.Watcher): void {
  const manager = handle.connectionManager.watcherManager;
  for (const kind of kWatcherKinds) {
    const emitter = manager[kind][path];
    if (!emitter) continue;
    emitter.removeListener('notification', watcher);
    // An empty entry would still be set again on the server after a reconnect.
    if (emitter.listenerCount('notification') === 0) delete manager[kind][path];
  }
}

/** How many watchers the library holds on `path`, of every kind. */
export function libraryWatcherCount(handle: nzc.Client, path: string): number {
  const manager = handle.connectionManager.watcherManager;
  return kWatcherKinds.reduce(
    (sum, kind) => sum + (manager[kind][path]?.listenerCount('notification') ?? 0),
    0,
  );
}

/** ZooKeeper watchers as library watchers; the same function is wrapped once, so a watch set twice fires once. */
export class LibraryWatchers {
  private readonly wrapped = new WeakMap<Watcher, nzc.Watcher>();

  constructor(
    private readonly isClosed: () => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The library watcher `watcher` was wrapped into, if it was. */
  libraryWatcherOf(watcher: Watcher): nzc.Watcher | undefined {
    return this.wrapped.get(watcher);
  }

  wrap(watcher: Watcher | undefined): nzc.Watcher | undefined {
    if (!watcher) return undefined;
    let wrapped = this.wrapped.get(watcher);
    if (!wrapped) {
      wrapped = (event) => {
        const type = kEventTypes[event.getType()];
        if (this.isClosed() || !type) return;
        try {
          watcher({ type, path: event.getPath() });
        } catch (error) {
          this.onError(error);
        }
      };
      this.wrapped.set(watcher, wrapped);
    }
    return wrapped;
  }
}
