// Where components find their leader election and retrieval services, mirroring
// Flink's HighAvailabilityServices (the part a TaskManager control plane needs).
// StandaloneHaServices and EmbeddedHaServices implement it today; a ZooKeeper
// implementation would fill the same interface, building DefaultLeaderRetrievalService
// over a ZooKeeper LeaderRetrievalDriverFactory.

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
  /** Releases the services; getters throw afterwards. */
  closeAsync(): Promise<void>;
}
