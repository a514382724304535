// HA services for a cluster without HA, mirroring Flink's StandaloneHaServices:
// the ResourceManager's and the Dispatcher's addresses are configured (they live
// at fixed addresses in the jobmanager process), a JobMaster's address is given
// by the caller, and every leader holds DEFAULT_LEADER_ID.

import { IllegalLeaderServiceStateError } from './errors.js';
import type { HighAvailabilityServices, JobIdLike } from './high-availability-services.js';
import type { LeaderElectionService } from './leader-election.js';
import { DEFAULT_LEADER_ID } from './leader-ids.js';
import type { LeaderRetrievalService } from './leader-retrieval.js';
import { StandaloneLeaderElectionService } from './standalone-leader-election-service.js';
import { StandaloneLeaderRetrievalService } from './standalone-leader-retrieval-service.js';

export class StandaloneHaServices implements HighAvailabilityServices {
  private shutdown = false;

  constructor(
    private readonly resourceManagerAddress: string,
    private readonly dispatcherAddress: string = '',
  ) {}

  getResourceManagerLeaderRetriever(): LeaderRetrievalService {
    this.checkNotShutdown();
    return new StandaloneLeaderRetrievalService(this.resourceManagerAddress, DEFAULT_LEADER_ID);
  }

  getResourceManagerLeaderElectionService(): LeaderElectionService {
    this.checkNotShutdown();
    return new StandaloneLeaderElectionService();
  }

  getDispatcherLeaderRetriever(): LeaderRetrievalService {
    this.checkNotShutdown();
    return new StandaloneLeaderRetrievalService(this.dispatcherAddress, DEFAULT_LEADER_ID);
  }

  getDispatcherLeaderElectionService(): LeaderElectionService {
    this.checkNotShutdown();
    return new StandaloneLeaderElectionService();
  }

  getJobManagerLeaderRetriever(_jobId: JobIdLike, defaultJobManagerAddress: string): LeaderRetrievalService {
    this.checkNotShutdown();
    return new StandaloneLeaderRetrievalService(defaultJobManagerAddress, DEFAULT_LEADER_ID);
  }

  getJobManagerLeaderElectionService(_jobId: JobIdLike): LeaderElectionService {
    this.checkNotShutdown();
    return new StandaloneLeaderElectionService();
  }

  async closeAsync(): Promise<void> {
    this.shutdown = true;
  }

  private checkNotShutdown(): void {
    if (this.shutdown) throw new IllegalLeaderServiceStateError('high availability services are shut down');
  }
}
