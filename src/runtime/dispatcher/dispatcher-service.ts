// Runs a Dispatcher for each leader session this process wins. Mirrors Flink's
// DefaultDispatcherRunner with its SessionDispatcherLeaderProcess: on a grant
// it reads the jobs to recover (from the JobGraphStore, with ZooKeeper HA),
// then starts a new Dispatcher fenced by that session with them, and confirms
// the leadership with its address; a revoke stops it.

import type { RpcService } from '../../rpc/rpc-service.js';
import { LeaderEndpointService } from '../highavailability/leader-endpoint-service.js';
import type { LeaderElectionService } from '../highavailability/leader-election.js';
import { DispatcherId } from '../types/ids.js';
import type { JobGraph } from '../types/job-graph.js';
import { Dispatcher, type DispatcherServices } from './dispatcher.js';

export interface DispatcherServiceOptions {
  /** The jobs a new leader runs again. Default: none (standalone and embedded HA keep no jobs). */
  readonly recoverJobs?: () => Promise<readonly JobGraph[]>;
  readonly onFatalError?: (error: Error) => void;
}

export class DispatcherService extends LeaderEndpointService<Dispatcher> {
  constructor(
    rpcService: RpcService,
    leaderElectionService: LeaderElectionService,
    services: DispatcherServices,
    options: DispatcherServiceOptions = {},
  ) {
    super(leaderElectionService, {
      name: 'Dispatcher',
      create: async (sessionId) => {
        const recovered = (await options.recoverJobs?.()) ?? [];
        return new Dispatcher(rpcService, DispatcherId.of(sessionId), services, recovered);
      },
      ...(options.onFatalError ? { onFatalError: options.onFatalError } : {}),
    });
  }
}
