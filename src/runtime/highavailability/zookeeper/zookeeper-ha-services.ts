// HA services backed by ZooKeeper, mirroring Flink's ZooKeeperLeaderElectionHaServices:
// one client (one session) per services object, a DefaultLeaderElectionService over a
// ZooKeeperLeaderElectionDriver and a DefaultLeaderRetrievalService over a
// ZooKeeperLeaderRetrievalDriver per component, the job graph and job result stores, and
// closeAsync() that stops what it handed out and then ends the session.

import type { Configuration } from '../../configuration/configuration.js';
import { HighAvailabilityOptions } from '../../configuration/high-availability-options.js';
import { DefaultJobGraphStore } from '../default-job-graph-store.js';
import { DefaultLeaderElectionService } from '../default-leader-election-service.js';
import { DefaultLeaderRetrievalService } from '../default-leader-retrieval-service.js';
import { IllegalLeaderServiceStateError } from '../errors.js';
import { FileSystemJobResultStore } from '../file-system-job-result-store.js';
import {
  FileSystemStateStorageHelper,
  getClusterHighAvailableStoragePath,
} from '../file-system-state-storage-helper.js';
import type { HighAvailabilityServices, JobIdLike } from '../high-availability-services.js';
import type { JobGraphStore } from '../job-graph-store.js';
import type { JobResultStore } from '../job-result-store.js';
import type { LeaderElectionService } from '../leader-election.js';
import type { LeaderRetrievalService } from '../leader-retrieval.js';
import { ZooKeeperClient } from './zookeeper-client.js';
import { type ZooKeeperClientLog } from './zookeeper-types.js';
import { ZooKeeperClientConfiguration } from './zookeeper-client-configuration.js';
import { ZooKeeperJobGraphStoreWatcher } from './zookeeper-job-graph-store-watcher.js';
import { ZooKeeperLeaderElectionDriverFactory } from './zookeeper-leader-election-driver.js';
import { ZooKeeperLeaderRetrievalDriverFactory } from './zookeeper-leader-retrieval-driver.js';
import {
  generateZookeeperPath,
  getConnectionInformationPath,
  getLeaderPath,
  jobManagerComponentId,
  kDispatcherLeader,
  kResourceManagerLeader,
} from './zookeeper-paths.js';
import { ZooKeeperStateHandleStore } from './zookeeper-state-handle-store.js';

/** The prefix of stored job graph files, Flink's HA_STORAGE_SUBMITTED_JOBGRAPH_PREFIX. */
export const kSubmittedJobGraphPrefix = 'submittedJobGraph';

export interface ZooKeeperHaServicesOptions {
  /** Where the client reports connection trouble; threadlink's logger by default. */
  readonly log?: ZooKeeperClientLog;
}

export class ZooKeeperHaServices implements HighAvailabilityServices {
  private readonly electionServices = new Set<DefaultLeaderElectionService>();
  private readonly retrievalServices = new Set<DefaultLeaderRetrievalService>();
  private jobGraphStore: DefaultJobGraphStore | null = null;
  private jobResultStore: FileSystemJobResultStore | null = null;
  private closing: Promise<void> | null = null;

  /** Connects at once; the services work as soon as the session is up, and wait for it until then. */
  static fromConfiguration(
    conf: Configuration,
    options: ZooKeeperHaServicesOptions = {},
  ): ZooKeeperHaServices {
    const { clientOptions, namespace } = ZooKeeperClientConfiguration.fromConfiguration(conf);
    const client = new ZooKeeperClient({ ...clientOptions, ...(options.log ? { log: options.log } : {}) });
    return new ZooKeeperHaServices(client, namespace, conf);
  }

  constructor(
    readonly client: ZooKeeperClient,
    /** /<path.root>/<cluster-id> */
    readonly namespace: string,
    private readonly configuration: Configuration,
  ) {}

  getResourceManagerLeaderRetriever(): LeaderRetrievalService {
    return this.createLeaderRetrievalService(kResourceManagerLeader);
  }

  getResourceManagerLeaderElectionService(): LeaderElectionService {
    return this.createLeaderElectionService(kResourceManagerLeader);
  }

  getDispatcherLeaderRetriever(): LeaderRetrievalService {
    return this.createLeaderRetrievalService(kDispatcherLeader);
  }

  getDispatcherLeaderElectionService(): LeaderElectionService {
    return this.createLeaderElectionService(kDispatcherLeader);
  }

  /** The default address is not used: the elected JobMaster publishes its own. */
  getJobManagerLeaderRetriever(jobId: JobIdLike, _defaultJobManagerAddress?: string): LeaderRetrievalService {
    return this.createLeaderRetrievalService(jobManagerComponentId(jobId));
  }

  getJobManagerLeaderElectionService(jobId: JobIdLike): LeaderElectionService {
    return this.createLeaderElectionService(jobManagerComponentId(jobId));
  }

  /** Job graphs for recovery: files in the storage dir, pointers under <namespace>/jobgraphs. */
  getJobGraphStore(): JobGraphStore {
    this.checkNotClosed();
    this.jobGraphStore ??= new DefaultJobGraphStore(
      new ZooKeeperStateHandleStore(
        this.client,
        generateZookeeperPath(
          this.namespace,
          this.configuration.get(HighAvailabilityOptions.HA_ZOOKEEPER_JOBGRAPHS_PATH),
        ),
        new FileSystemStateStorageHelper(
          getClusterHighAvailableStoragePath(this.configuration),
          kSubmittedJobGraphPrefix,
        ),
      ),
      new ZooKeeperJobGraphStoreWatcher(
        this.client,
        generateZookeeperPath(
          this.namespace,
          this.configuration.get(HighAvailabilityOptions.HA_ZOOKEEPER_JOBGRAPHS_PATH),
        ),
      ),
    );
    return this.jobGraphStore;
  }

  /** Results of finished jobs, as files (FileSystemJobResultStore.fromConfiguration). */
  getJobResultStore(): JobResultStore {
    this.checkNotClosed();
    this.jobResultStore ??= FileSystemJobResultStore.fromConfiguration(this.configuration);
    return this.jobResultStore;
  }

  /** Stops every election and retrieval handed out and the job graph store, then ends the session. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      for (const retrieval of this.retrievalServices) retrieval.stop();
      await Promise.allSettled([
        ...[...this.electionServices].map((election) => election.closeAsync()),
        this.jobGraphStore?.stop(),
      ]);
      await this.client.close();
    })();
    return this.closing;
  }

  private createLeaderElectionService(componentId: string): DefaultLeaderElectionService {
    this.checkNotClosed();
    const service = new DefaultLeaderElectionService(
      new ZooKeeperLeaderElectionDriverFactory(this.client, getLeaderPath(this.namespace, componentId)),
      componentId,
    );
    this.electionServices.add(service);
    return service;
  }

  private createLeaderRetrievalService(componentId: string): DefaultLeaderRetrievalService {
    this.checkNotClosed();
    const service = new DefaultLeaderRetrievalService(
      new ZooKeeperLeaderRetrievalDriverFactory(
        this.client,
        getConnectionInformationPath(getLeaderPath(this.namespace, componentId)),
        this.client.connectionStateErrorPolicy.name === 'session'
          ? 'ON_LOST_CONNECTION'
          : 'ON_SUSPENDED_CONNECTION',
      ),
    );
    this.retrievalServices.add(service);
    return service;
  }

  private checkNotClosed(): void {
    if (this.closing) throw new IllegalLeaderServiceStateError('high availability services are shut down');
  }
}
