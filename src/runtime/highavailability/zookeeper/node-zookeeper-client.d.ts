// Types for the parts of node-zookeeper-client 1.x that ZooKeeperClient uses; the
// package ships none. Nothing but zookeeper-client.ts may import the library, so these
// declarations stay as small as that one file needs. The `connectionManager` fields are
// the library's internals, used only to end a connection that close() alone would not,
// and to drop the watchers of a closed watch that the library has no call to remove.

declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  namespace nzc {
    interface Stat {
      /** 8 bytes, big-endian; all zero for a persistent node. */
      readonly ephemeralOwner: Buffer;
      readonly version: number;
      readonly cversion: number;
      readonly numChildren: number;
      readonly dataLength: number;
    }

    interface Event {
      readonly type: number;
      readonly name: string;
      readonly path: string;
      getType(): number;
      getPath(): string;
    }

    interface Exception extends Error {
      readonly code: number;
      getCode(): number;
    }

    interface Transaction {
      create(path: string, data: Buffer | undefined, mode: number): Transaction;
      check(path: string, version?: number): Transaction;
      setData(path: string, data: Buffer | null, version?: number): Transaction;
      remove(path: string, version?: number): Transaction;
      commit(callback: (error: Exception | null, results: unknown) => void): void;
    }

    interface ConnectionManager extends EventEmitter {
      state: number;
      socket: Socket | undefined;
      connectTimeoutHandler: ReturnType<typeof setTimeout> | null;
      readonly watcherManager: WatcherManager;
      setState(state: number): void;
    }

    /** The watchers of each path, one EventEmitter ('notification') per path and kind. */
    interface WatcherManager {
      readonly dataWatchers: Record<string, EventEmitter | undefined>;
      readonly existenceWatchers: Record<string, EventEmitter | undefined>;
      readonly childWatchers: Record<string, EventEmitter | undefined>;
    }

    type Watcher = (event: Event) => void;

    interface Client extends EventEmitter {
      readonly connectionManager: ConnectionManager;
      connect(): void;
      close(): void;
      getSessionId(): Buffer;
      getSessionTimeout(): number;
      create(
        path: string,
        data: Buffer | undefined,
        mode: number,
        callback: (error: Exception | null, path: string) => void,
      ): void;
      remove(path: string, version: number, callback: (error: Exception | null) => void): void;
      setData(
        path: string,
        data: Buffer | null,
        version: number,
        callback: (error: Exception | null, stat: Stat) => void,
      ): void;
      getData(
        path: string,
        watcher: Watcher | undefined,
        callback: (error: Exception | null, data: Buffer | undefined, stat: Stat) => void,
      ): void;
      exists(
        path: string,
        watcher: Watcher | undefined,
        callback: (error: Exception | null, stat: Stat | null) => void,
      ): void;
      getChildren(
        path: string,
        watcher: Watcher | undefined,
        callback: (error: Exception | null, children: string[], stat: Stat) => void,
      ): void;
      transaction(): Transaction;
    }

    interface ClientOptions {
      sessionTimeout?: number;
      spinDelay?: number;
      retries?: number;
    }
  }

  const nzc: {
    createClient(connectionString: string, options?: nzc.ClientOptions): nzc.Client;
    readonly CreateMode: {
      readonly PERSISTENT: number;
      readonly EPHEMERAL: number;
      readonly PERSISTENT_SEQUENTIAL: number;
      readonly EPHEMERAL_SEQUENTIAL: number;
    };
    readonly Event: {
      readonly NODE_CREATED: number;
      readonly NODE_DELETED: number;
      readonly NODE_DATA_CHANGED: number;
      readonly NODE_CHILDREN_CHANGED: number;
    };
    readonly Exception: {
      readonly CONNECTION_LOSS: number;
      readonly OPERATION_TIMEOUT: number;
      readonly NO_NODE: number;
      readonly NODE_EXISTS: number;
      readonly BAD_VERSION: number;
      readonly NOT_EMPTY: number;
      readonly SESSION_EXPIRED: number;
      readonly NO_AUTH: number;
      readonly AUTH_FAILED: number;
      readonly NO_CHILDREN_FOR_EPHEMERALS: number;
    };
  };
  export = nzc;
}
