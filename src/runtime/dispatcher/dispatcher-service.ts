// Runs a Dispatcher for each leader session this process wins. Mirrors Flink's
// DefaultDispatcherRunner with its SessionDispatcherLeaderProcess: on a grant
// it takes over the stored jobs (JobPersistence: the JobGraphStore and
// JobResultStore, with ZooKeeper HA), then starts a new Dispatcher fenced by
// that session with them, and confirms the leadership with its address; a
// revoke stops it.

import type { RpcService } from '../../rpc/rpc-service.js';
import { LeaderEndpointService } from '../highavailability/leader-endpoint-service.js';
import type { LeaderElectionService } from '../highavailability/leader-election.js';
import { DispatcherId } from '../types/ids.js';
import { Dispatcher, type DispatcherServices } from './dispatcher.js';
import { kNoJobPersistence } from './job-persistence.js';

export interface DispatcherServiceOptions {
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
        const recovered = await (services.jobPersistence ?? kNoJobPersistence).recover();
        return new Dispatcher(rpcService, DispatcherId.of(sessionId), services, recovered);
      },
      ...(options.onFatalError ? { onFatalError: options.onFatalError } : {}),
    });
  }
}
