// A ClusterClient for a cluster in other processes: the node API behind
// `threadlink run|list|cancel --jobmanager HOST:PORT`. It listens on a free TCP
// port of its own (the Dispatcher pushes each job's events back to it), finds
// the Dispatcher leader (the jobmanager's fixed address, or through ZooKeeper
// with high-availability.type: zookeeper, following each new leader), and
// uploads every task module given as a local file to the BlobServer beside that
// leader before submitting, so that the job runs on taskmanagers that have never
// seen the file. Mirrors Flink's RestClusterClient with
// ClientUtils.uploadJobGraphFiles, over RPC.

import { RpcService } from '../../rpc/rpc-service.js';
import { BlobServerGateway } from '../../runtime/blob/blob-server-gateway.js';
import { uploadTaskModules } from '../../runtime/blob/job-artifacts.js';
import type { ConfigValue } from '../../runtime/configuration/config-option.js';
import { Configuration } from '../../runtime/configuration/configuration.js';
import { HighAvailabilityOptions } from '../../runtime/configuration/high-availability-options.js';
import { JobManagerOptions } from '../config/entrypoint-options.js';
import { parseHostPort } from '../config/network-address.js';
import { rpcServiceOptionsOf } from '../config/rpc-service-options.js';
import { createHighAvailability } from '../high-availability-services-utils.js';
import { blobServerBeside } from '../jobmanager/standalone-cluster-addresses.js';
import { ClusterClient } from './cluster-client.js';

export interface ConnectToClusterOptions {
  /** `HOST:PORT` of the jobmanager; default jobmanager.rpc.address and jobmanager.rpc.port. Unused with ZooKeeper HA. */
  readonly jobManager?: string;
  /** Flink keys: high-availability.*, security.ssl.internal.* for mutual TLS, rpc.ask-timeout, blob.*. */
  readonly configuration?: Configuration | Readonly<Record<string, ConfigValue>>;
  /** Where this client listens for the job events it follows. Default 127.0.0.1. */
  readonly host?: string;
}

/** Connects to a running cluster; close the client to end its RpcService and HA session. */
export async function connectToCluster(options: ConnectToClusterOptions = {}): Promise<ClusterClient> {
  const configuration =
    options.configuration instanceof Configuration
      ? options.configuration
      : Configuration.fromMap(options.configuration ?? {});
  const jobManager = options.jobManager
    ? parseHostPort(options.jobManager)
    : { host: configuration.get(JobManagerOptions.ADDRESS), port: configuration.get(JobManagerOptions.PORT) };
  const { haServices, leadersChange } = createHighAvailability(configuration, jobManager);
  let rpc: RpcService;
  try {
    rpc = await RpcService.start(rpcServiceOptionsOf(configuration, options.host ?? '127.0.0.1', 0));
  } catch (error) {
    await haServices.closeAsync().catch(() => {});
    throw error;
  }
  return new ClusterClient({
    rpcService: rpc,
    dispatcherRetriever: haServices.getDispatcherLeaderRetriever(),
    resourceManagerRetriever: () => haServices.getResourceManagerLeaderRetriever(),
    followLeaderChanges: leadersChange,
    // A killed leader stays named in ZooKeeper until its session expires; its successor comes after.
    ...(leadersChange
      ? {
          leaderTimeoutMs:
            configuration.get(HighAvailabilityOptions.ZOOKEEPER_SESSION_TIMEOUT) + rpc.askTimeoutMs,
        }
      : {}),
    prepareJob: async (jobGraph, dispatcherAddress) => {
      const blobServer = await rpc.connect(blobServerBeside(dispatcherAddress), BlobServerGateway);
      return { ...jobGraph, tasks: await uploadTaskModules(blobServer, jobGraph.jobId, jobGraph.tasks) };
    },
    onClosed: async () => {
      await haServices.closeAsync().catch(() => {});
      await rpc.closeAsync();
    },
  });
}
