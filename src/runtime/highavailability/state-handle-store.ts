// The two halves of Flink's state persistence for HA: a RetrievableStateStorageHelper
// writes state to durable storage and returns a small handle, and a StateHandleStore
// keeps those handles under names, with per-store locks that stop another store from
// removing what this one still uses. DefaultJobGraphStore works over these interfaces.

/** Where stored state lives; small enough to keep in ZooKeeper. */
export interface RetrievableStateHandle {
  readonly filePath: string;
}

export interface RetrievableStateStorageHelper<T> {
  store(state: T): Promise<RetrievableStateHandle>;
  retrieveState(handle: RetrievableStateHandle): Promise<T>;
  discardState(handle: RetrievableStateHandle): Promise<void>;
}

export interface StateHandleStore<T> {
  /** Stores `state`, adds its handle under `name` and locks it; StateHandleAlreadyExistsError if taken. */
  addAndLock(name: string, state: T): Promise<RetrievableStateHandle>;
  /** Replaces the state under `name` if its version is `expectedVersion`. */
  replace(name: string, expectedVersion: number, state: T): Promise<void>;
  /** The version of `name`, or -1 if there is none. */
  exists(name: string): Promise<number>;
  /** Locks `name` and returns its handle; StateHandleNotExistError if there is none. */
  getAndLock(name: string): Promise<RetrievableStateHandle>;
  retrieveState(handle: RetrievableStateHandle): Promise<T>;
  getAllHandles(): Promise<string[]>;
  release(name: string): Promise<void>;
  releaseAll(): Promise<void>;
  /** Releases this store's lock and removes `name` if no other lock is left; false if one is. */
  releaseAndTryRemove(name: string): Promise<boolean>;
}
