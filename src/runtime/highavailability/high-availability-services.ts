// Where components find their leader election and retrieval services, mirroring
// Flink's HighAvailabilityServices: for the ResourceManager, the Dispatcher and
// each job's JobMaster. StandaloneHaServices (fixed addresses), EmbeddedHaServices
// (one process), RemoteHaServices (a worker thread following another thread's
// election) and ZooKeeperHaServices implement it.

import type { LeaderElectionService } from './leader-election.js';
import type { LeaderRetrievalService } from './leader-retrieval.js';

/** A job id's string form; the JobID type lives with the runtime types. */
export type JobIdLike = string;

export interface HighAvailabilityServices {
  getResourceManagerLeaderRetriever(): LeaderRetrievalService;
  getResourceManagerLeaderElectionService(): LeaderElectionService;
  /** `defaultJobManagerAddress` is where the JobMaster lives when there is no HA to ask. */
  getJobManagerLeaderRetriever(jobId: JobIdLike, defaultJobManagerAddress: string): LeaderRetrievalService;
  getJobManagerLeaderElectionService(jobId: JobIdLike): LeaderElectionService;
  getDispatcherLeaderRetriever(): LeaderRetrievalService;
  getDispatcherLeaderElectionService(): LeaderElectionService;
  /** Releases the services; getters throw afterwards. */
  closeAsync(): Promise<void>;
}
