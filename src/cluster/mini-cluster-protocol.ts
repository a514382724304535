// The MiniCluster's own wire protocol, in one place: how the user's thread
// steers the JobManager thread (leadership, registrations, shutdown), and how
// the ResourceManager there asks the user's thread, which owns the worker
// threads, for a new TaskExecutor. threadlink's own: Flink's MiniCluster calls
// these on objects of its one JVM.

import { defineGateway, type RpcGateway } from '../rpc/gateway.js';

/** Served in the MiniCluster's JobManager thread. */
export interface JobManagerControlGateway extends RpcGateway {
  revokeResourceManagerLeadership(): Promise<void>;
  grantResourceManagerLeadership(): Promise<void>;
  /** True once `count` TaskExecutors are registered with their slot reports; false after `timeoutMs`. */
  awaitRegisteredTaskExecutors(count: number, timeoutMs: number): Promise<boolean>;
  /**
   * Stops the REST API (if any) and the Dispatcher: its jobs free their slots while the TaskExecutors
   * still run. The rest ends with the thread, after the TaskExecutors.
   */
  stopDispatcher(timeoutMs: number): Promise<void>;
}

export const JobManagerControlGateway = defineGateway<JobManagerControlGateway>('JobManagerControlGateway', {
  revokeResourceManagerLeadership: 'ask',
  grantResourceManagerLeadership: 'ask',
  awaitRegisteredTaskExecutors: { timeoutArg: 1 },
  stopDispatcher: { timeoutArg: 0 },
});

/** Served on the MiniCluster's own thread: Flink's ResourceAllocator, across threads. */
export interface ResourceAllocatorGateway extends RpcGateway {
  requestNewWorker(): void;
}

export const ResourceAllocatorGateway = defineGateway<ResourceAllocatorGateway>('ResourceAllocatorGateway', {
  requestNewWorker: 'tell',
});
