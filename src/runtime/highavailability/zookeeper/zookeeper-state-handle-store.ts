// Keeps state handles in ZooKeeper, mirroring Flink's ZooKeeperStateHandleStore: the
// state is a file (via the storage helper) and the node <root>/<name> holds only a JSON
// pointer to it, since ZooKeeper is made for kilobytes. Each store instance locks the
// nodes it uses with an ephemeral <name>/locks/<store-id> child; a node is removed only
// when no lock is left, so one JobManager cannot pull a job from under another.

import { randomUUID } from 'node:crypto';
import { getLogger } from '../../../actor/logger.js';
import {
  CorruptStateHandleError,
  StateHandleAlreadyExistsError,
  StateHandleNotExistError,
} from '../job-persistence-errors.js';
import type {
  RetrievableStateHandle,
  RetrievableStateStorageHelper,
  StateHandleStore,
} from '../state-handle-store.js';
import type { ZooKeeperClient } from './zookeeper-client.js';
import {
  BadVersionError,
  ConnectionLossError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
} from './zookeeper-errors.js';
import { generateZookeeperPath } from './zookeeper-paths.js';

const log = getLogger('zookeeper-state-handle-store');
const kLocksNode = 'locks';

export class ZooKeeperStateHandleStore<T> implements StateHandleStore<T> {
  /** This store's lock name, unique among all stores. */
  readonly lockNode = randomUUID();
  private rootEnsured: Promise<void> | null = null;

  constructor(
    private readonly client: ZooKeeperClient,
    /** e.g. /flink/default/jobgraphs */
    readonly rootPath: string,
    private readonly storage: RetrievableStateStorageHelper<T>,
  ) {}

  async addAndLock(name: string, state: T): Promise<RetrievableStateHandle> {
    await this.ensureRoot();
    const handle = await this.storage.store(state);
    const path = this.pathOf(name);
    try {
      // Node and lock in one transaction, so no remover can slip in between.
      await this.client.transaction([
        { op: 'create', path, data: encodePointer(handle) },
        { op: 'create', path: `${path}/${kLocksNode}` },
        { op: 'create', path: this.lockPath(name), mode: 'EPHEMERAL' },
      ]);
      return handle;
    } catch (error) {
      // After a connection loss the transaction may have gone through: keep the file then.
      if (!(error instanceof ConnectionLossError)) await this.storage.discardState(handle);
      if (error instanceof NodeExistsError) {
        throw new StateHandleAlreadyExistsError(`ZooKeeper node ${path} already exists.`, { cause: error });
      }
      throw error;
    }
  }

  async replace(name: string, expectedVersion: number, state: T): Promise<void> {
    const path = this.pathOf(name);
    const oldHandle = await this.readPointer(name);
    const newHandle = await this.storage.store(state);
    try {
      await this.client.setData(path, encodePointer(newHandle), expectedVersion);
    } catch (error) {
      if (!(error instanceof ConnectionLossError)) await this.storage.discardState(newHandle);
      if (error instanceof NoNodeError) {
        throw new StateHandleNotExistError(`ZooKeeper node ${path} does not exist.`, { cause: error });
      }
      throw error;
    }
    await this.storage.discardState(oldHandle);
  }

  async exists(name: string): Promise<number> {
    const stat = await this.client.exists(this.pathOf(name));
    return stat ? stat.version : -1;
  }

  async getAndLock(name: string): Promise<RetrievableStateHandle> {
    try {
      await this.client.create(this.lockPath(name), null, { mode: 'EPHEMERAL' });
    } catch (error) {
      if (error instanceof NoNodeError) {
        throw new StateHandleNotExistError(`ZooKeeper node ${this.pathOf(name)} does not exist.`, {
          cause: error,
        });
      }
      if (!(error instanceof NodeExistsError)) throw error; // locked by us already
    }
    return this.readPointer(name);
  }

  retrieveState(handle: RetrievableStateHandle): Promise<T> {
    return this.storage.retrieveState(handle);
  }

  async getAllHandles(): Promise<string[]> {
    try {
      return (await this.client.getChildren(this.rootPath)).sort();
    } catch (error) {
      if (error instanceof NoNodeError) return [];
      throw error;
    }
  }

  async release(name: string): Promise<void> {
    try {
      await this.client.delete(this.lockPath(name));
    } catch (error) {
      if (!(error instanceof NoNodeError)) throw error;
    }
  }

  async releaseAll(): Promise<void> {
    for (const name of await this.getAllHandles()) await this.release(name);
  }

  async releaseAndTryRemove(name: string): Promise<boolean> {
    const path = this.pathOf(name);
    let handle: RetrievableStateHandle | null = null;
    try {
      handle = await this.readPointer(name);
    } catch (error) {
      if (error instanceof StateHandleNotExistError) return true;
      log.warn(`Could not read the state handle at ${path}; removing the node anyway.`, error);
    }
    await this.release(name);
    try {
      // Fails with NotEmpty while another store's lock is there.
      await this.client.transaction([
        { op: 'delete', path: `${path}/${kLocksNode}` },
        { op: 'delete', path },
      ]);
    } catch (error) {
      if (error instanceof NotEmptyError) return false;
      if (!(error instanceof NoNodeError || error instanceof BadVersionError)) throw error;
      if ((await this.client.exists(path)) !== null) return false;
    }
    if (handle) await this.storage.discardState(handle);
    return true;
  }

  private async readPointer(name: string): Promise<RetrievableStateHandle> {
    const path = this.pathOf(name);
    let data: Buffer | null;
    try {
      ({ data } = await this.client.getData(path));
    } catch (error) {
      if (error instanceof NoNodeError) {
        throw new StateHandleNotExistError(`ZooKeeper node ${path} does not exist.`, { cause: error });
      }
      throw error;
    }
    return decodePointer(data, path);
  }

  private ensureRoot(): Promise<void> {
    this.rootEnsured ??= this.client.ensurePath(this.rootPath).catch((error: unknown) => {
      this.rootEnsured = null;
      throw error;
    });
    return this.rootEnsured;
  }

  private pathOf(name: string): string {
    return generateZookeeperPath(this.rootPath, name);
  }

  private lockPath(name: string): string {
    return generateZookeeperPath(this.rootPath, name, kLocksNode, this.lockNode);
  }
}

function encodePointer(handle: RetrievableStateHandle): Buffer {
  return Buffer.from(JSON.stringify({ version: 1, filePath: handle.filePath }), 'utf8');
}

function decodePointer(data: Buffer | null, path: string): RetrievableStateHandle {
  try {
    const parsed = JSON.parse(data?.toString('utf8') ?? '') as { filePath?: unknown } | null;
    if (typeof parsed?.filePath === 'string') return { filePath: parsed.filePath };
  } catch {
    // reported below
  }
  throw new CorruptStateHandleError(`ZooKeeper node ${path} does not hold a state handle pointer.`);
}
