// A ClusterClient for a cluster in other processes: the node API behind
// `threadlink run|list|cancel --jobmanager HOST:PORT`. It listens on a free TCP
// port of its own (the Dispatcher pushes each job's events back to it), finds
// the Dispatcher at the jobmanager's fixed address (standalone HA), and uploads
// every task module given as a local file to the BlobServer before submitting,
// so that the job runs on taskmanagers that have never seen the file. Mirrors
// Flink's RestClusterClient with ClientUtils.uploadJobGraphFiles, over RPC.

import { RpcService } from '../../rpc/rpc-service.js';
import { BlobServerGateway } from '../../runtime/blob/blob-server-gateway.js';
import { uploadTaskModules } from '../../runtime/blob/job-artifacts.js';
import type { ConfigValue } from '../../runtime/configuration/config-option.js';
import { Configuration } from '../../runtime/configuration/configuration.js';
import { StandaloneLeaderRetrievalService } from '../../runtime/highavailability/standalone-leader-retrieval-service.js';
import { DEFAULT_LEADER_ID } from '../../runtime/highavailability/leader-ids.js';
import type { JobGraph } from '../../runtime/types/job-graph.js';
import { JobManagerOptions } from '../config/entrypoint-options.js';
import { parseHostPort } from '../config/network-address.js';
import { rpcServiceOptionsOf } from '../config/rpc-service-options.js';
import { standaloneClusterAddresses } from '../jobmanager/job-manager-process.js';
import { ClusterClient } from './cluster-client.js';

export interface ConnectToClusterOptions {
  /** `HOST:PORT` of the jobmanager; default jobmanager.rpc.address and jobmanager.rpc.port. */
  readonly jobManager?: string;
  /** Flink keys: security.ssl.internal.* for mutual TLS, rpc.ask-timeout, blob.*. */
  readonly configuration?: Configuration | Readonly<Record<string, ConfigValue>>;
  /** Where this client listens for the job events it follows. Default 127.0.0.1. */
  readonly host?: string;
}

/** Connects to a running cluster; close the client to end its RpcService. */
export async function connectToCluster(options: ConnectToClusterOptions = {}): Promise<ClusterClient> {
  const configuration =
    options.configuration instanceof Configuration
      ? options.configuration
      : Configuration.fromMap(options.configuration ?? {});
  const jobManager = options.jobManager
    ? parseHostPort(options.jobManager)
    : { host: configuration.get(JobManagerOptions.ADDRESS), port: configuration.get(JobManagerOptions.PORT) };
  const addresses = standaloneClusterAddresses(jobManager.host, jobManager.port);
  const rpc = await RpcService.start(rpcServiceOptionsOf(configuration, options.host ?? '127.0.0.1', 0));
  const uploadModules = async (jobGraph: JobGraph): Promise<JobGraph> => {
    const blobServer = await rpc.connect(addresses.blobServer, BlobServerGateway);
    return { ...jobGraph, tasks: await uploadTaskModules(blobServer, jobGraph.jobId, jobGraph.tasks) };
  };
  return new ClusterClient({
    rpcService: rpc,
    dispatcherRetriever: new StandaloneLeaderRetrievalService(addresses.dispatcher, DEFAULT_LEADER_ID),
    resourceManagerRetriever: () =>
      new StandaloneLeaderRetrievalService(addresses.resourceManager, DEFAULT_LEADER_ID),
    prepareJob: uploadModules,
    onClosed: () => rpc.closeAsync(),
  });
}
