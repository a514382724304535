// The hook through which a ResourceManager asks for more workers. Mirrors the
// part of Flink's ResourceAllocator that ActiveResourceManager uses to replace
// a worker that terminated unexpectedly. A standalone ResourceManager has none:
// its workers come and go by themselves.

export interface ResourceAllocator {
  /**
   * Start one more TaskExecutor. Called in the ResourceManager's main thread,
   * once for each worker that terminated while it was registered or registering;
   * it must not block. The new worker registers like any other.
   */
  requestNewWorker(): void;
}
