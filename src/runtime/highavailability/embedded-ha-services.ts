// HA services inside one process, mirroring Flink's EmbeddedHaServices: one
// EmbeddedLeaderService for the ResourceManager and one per job, created on first
// use. This is what a MiniCluster uses; closing shuts every leader service down.

import { EmbeddedLeaderService, type NotificationExecutor } from './embedded-leader-service.js';
import { IllegalLeaderServiceStateError } from './errors.js';
import type { HighAvailabilityServices, JobIdLike } from './high-availability-services.js';
import type { LeaderElectionService } from './leader-election.js';
import type { LeaderRetrievalService } from './leader-retrieval.js';

export class EmbeddedHaServices implements HighAvailabilityServices {
  private readonly resourceManagerLeaderService: EmbeddedLeaderService;
  private readonly dispatcherLeaderService: EmbeddedLeaderService;
  private readonly jobManagerLeaderServices = new Map<JobIdLike, EmbeddedLeaderService>();
  private shutdown = false;

  constructor(private readonly executor: NotificationExecutor) {
    this.resourceManagerLeaderService = new EmbeddedLeaderService(executor);
    this.dispatcherLeaderService = new EmbeddedLeaderService(executor);
  }

  getResourceManagerLeaderRetriever(): LeaderRetrievalService {
    this.checkNotShutdown();
    return this.resourceManagerLeaderService.createLeaderRetrievalService();
  }

  getResourceManagerLeaderElectionService(): LeaderElectionService {
    this.checkNotShutdown();
    return this.resourceManagerLeaderService.createLeaderElectionService();
  }

  getDispatcherLeaderRetriever(): LeaderRetrievalService {
    this.checkNotShutdown();
    return this.dispatcherLeaderService.createLeaderRetrievalService();
  }

  getDispatcherLeaderElectionService(): LeaderElectionService {
    this.checkNotShutdown();
    return this.dispatcherLeaderService.createLeaderElectionService();
  }

  /** The embedded service ignores the default address: the elected JobMaster publishes its own. */
  getJobManagerLeaderRetriever(jobId: JobIdLike, _defaultJobManagerAddress?: string): LeaderRetrievalService {
    return this.getJobManagerLeaderService(jobId).createLeaderRetrievalService();
  }

  getJobManagerLeaderElectionService(jobId: JobIdLike): LeaderElectionService {
    return this.getJobManagerLeaderService(jobId).createLeaderElectionService();
  }

  /** The ResourceManager's leader service, for a MiniCluster to revoke or grant leadership. */
  getResourceManagerLeaderService(): EmbeddedLeaderService {
    this.checkNotShutdown();
    return this.resourceManagerLeaderService;
  }

  /** The leader service of `jobId`, created on first use. */
  getJobManagerLeaderService(jobId: JobIdLike): EmbeddedLeaderService {
    this.checkNotShutdown();
    let service = this.jobManagerLeaderServices.get(jobId);
    if (!service) {
      service = new EmbeddedLeaderService(this.executor);
      this.jobManagerLeaderServices.set(jobId, service);
    }
    return service;
  }

  async closeAsync(): Promise<void> {
    if (this.shutdown) return;
    this.shutdown = true;
    this.resourceManagerLeaderService.shutdown();
    this.dispatcherLeaderService.shutdown();
    for (const service of this.jobManagerLeaderServices.values()) service.shutdown();
    this.jobManagerLeaderServices.clear();
  }

  private checkNotShutdown(): void {
    if (this.shutdown) throw new IllegalLeaderServiceStateError('high availability services are shut down');
  }
}
