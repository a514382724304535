// HA services for a thread that does not run the leader election: a TaskExecutor
// in a worker thread. Every retriever is a DefaultLeaderRetrievalService over an
// RpcLeaderRetrievalDriver fed by the main thread's LeaderInformationServer, the
// way Flink's ZooKeeperLeaderRetrievalHaServices build theirs over ZooKeeper
// drivers. Election lives only where the embedded services live, so asking for
// it here is an error rather than a second, disconnected election.

import { nanoid } from 'nanoid/non-secure';
import type { RpcService } from '../../rpc/rpc-service.js';
import { DefaultLeaderRetrievalService } from './default-leader-retrieval-service.js';
import { IllegalLeaderServiceStateError } from './errors.js';
import type { HighAvailabilityServices, JobIdLike } from './high-availability-services.js';
import type { LeaderElectionService } from './leader-election.js';
import { LeaderInformationGateway, type LeaderTarget } from './leader-information-protocol.js';
import { LeaderListenerEndpoint } from './leader-listener-endpoint.js';
import type { LeaderRetrievalService } from './leader-retrieval.js';
import { LeaderElectionUnsupportedError } from './remote-ha-errors.js';
import {
  RpcLeaderRetrievalDriverFactory,
  type LeaderSubscriptions,
  type RpcLeaderRetrievalDriver,
} from './rpc-leader-retrieval-driver.js';

export class RemoteHaServices implements HighAvailabilityServices {
  private readonly drivers = new Set<RpcLeaderRetrievalDriver>();
  /** Created with the first driver, so that services nobody asks cost nothing. */
  private listener: LeaderListenerEndpoint | null = null;
  private server: Promise<LeaderInformationGateway> | null = null;
  private closing: Promise<void> | null = null;
  private readonly subscriptions: LeaderSubscriptions;

  /** `serverAddress` is the address of the main thread's LeaderInformationServer. */
  constructor(
    private readonly rpcService: RpcService,
    readonly serverAddress: string,
  ) {
    this.subscriptions = {
      serverAddress,
      connectToServer: () => this.connectToServer(),
      register: (id, driver) => this.register(id, driver),
      unregister: (id, driver) => this.unregister(id, driver),
    };
  }

  getResourceManagerLeaderRetriever(): LeaderRetrievalService {
    return this.retrieverFor({ kind: 'resourcemanager' });
  }

  getDispatcherLeaderRetriever(): LeaderRetrievalService {
    return this.retrieverFor({ kind: 'dispatcher' });
  }

  getDispatcherLeaderElectionService(): LeaderElectionService {
    throw new LeaderElectionUnsupportedError(
      'RemoteHaServices only retrieve leaders: the Dispatcher is elected on the thread that runs the ' +
        'embedded HA services.',
    );
  }

  getJobManagerLeaderRetriever(jobId: JobIdLike, defaultJobManagerAddress: string): LeaderRetrievalService {
    return this.retrieverFor({ kind: 'jobmanager', jobId, defaultAddress: defaultJobManagerAddress });
  }

  getResourceManagerLeaderElectionService(): LeaderElectionService {
    throw new LeaderElectionUnsupportedError(
      'RemoteHaServices only retrieve leaders: the ResourceManager is elected on the thread that runs ' +
        'the embedded HA services.',
    );
  }

  getJobManagerLeaderElectionService(jobId: JobIdLike): LeaderElectionService {
    throw new LeaderElectionUnsupportedError(
      `RemoteHaServices only retrieve leaders: the JobMaster of job ${jobId} is elected on the thread ` +
        'that runs the embedded HA services.',
    );
  }

  /** Closes every driver (each unsubscribes) and then the listener endpoint. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      for (const driver of [...this.drivers]) driver.close();
      await this.listener?.closeAsync();
    })();
    return this.closing;
  }

  private retrieverFor(target: LeaderTarget): LeaderRetrievalService {
    if (this.closing) throw new IllegalLeaderServiceStateError('high availability services are shut down');
    return new DefaultLeaderRetrievalService(new RpcLeaderRetrievalDriverFactory(this.subscriptions, target));
  }

  private connectToServer(): Promise<LeaderInformationGateway> {
    if (!this.server) {
      const connecting = this.rpcService.connect(this.serverAddress, LeaderInformationGateway);
      this.server = connecting;
      // A failed connection is not cached: the next driver tries again.
      connecting.catch(() => {
        if (this.server === connecting) this.server = null;
      });
    }
    return this.server;
  }

  private register(subscriptionId: string, driver: RpcLeaderRetrievalDriver): string {
    if (this.closing) throw new IllegalLeaderServiceStateError('high availability services are shut down');
    if (!this.listener) {
      this.listener = new LeaderListenerEndpoint(this.rpcService, `leader_listener_${nanoid(10)}`);
      this.listener.start();
    }
    this.listener.register(subscriptionId, driver);
    this.drivers.add(driver);
    return this.listener.getAddress();
  }

  private unregister(subscriptionId: string, driver: RpcLeaderRetrievalDriver): void {
    this.drivers.delete(driver);
    this.listener?.unregister(subscriptionId, driver);
  }
}
