// Runs a ResourceManager for each leader session this process wins. Mirrors
// Flink's ResourceManagerServiceImpl, a LeaderContender: a grant creates a NEW
// ResourceManager fenced by that session (tokens are final, FLINK-27737), which
// is confirmed once it has started; a revoke stops it. The mechanics are the
// shared LeaderEndpointService's.

import { LeaderEndpointService } from '../highavailability/leader-endpoint-service.js';
import type { LeaderElectionService } from '../highavailability/leader-election.js';
import { ResourceManagerId } from '../types/ids.js';
import type { ResourceManager } from './resource-manager.js';

export interface ResourceManagerServiceOptions {
  /** Called when the leader election reports an error. Default: log it. */
  readonly onFatalError?: (error: Error) => void;
}

export class ResourceManagerServiceImpl extends LeaderEndpointService<ResourceManager> {
  constructor(
    leaderElectionService: LeaderElectionService,
    createResourceManager: (resourceManagerId: ResourceManagerId) => ResourceManager,
    options: ResourceManagerServiceOptions = {},
  ) {
    super(leaderElectionService, {
      name: 'ResourceManager',
      create: (sessionId) => createResourceManager(ResourceManagerId.of(sessionId)),
      started: (resourceManager) => resourceManager.getStartedFuture(),
      ...(options.onFatalError ? { onFatalError: options.onFatalError } : {}),
    });
  }

  /** The ResourceManager of the current session, once it has been created. */
  getLeaderResourceManager(): ResourceManager | undefined {
    return this.getLeader();
  }
}
