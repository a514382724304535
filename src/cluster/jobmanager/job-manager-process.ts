// The jobmanager process of a standalone cluster: one RpcService listening on
// jobmanager.rpc.port, a BlobServer, and a ResourceManager and Dispatcher
// (DispatcherResourceManagerComponent) at the fixed ids `resourcemanager_0` and
// `dispatcher_0`, which is what standalone HA hands every taskmanager and client.
// Mirrors Flink's StandaloneSessionClusterEntrypoint (ClusterEntrypoint).

import { getLogger } from '../../actor/logger.js';
import { RpcService } from '../../rpc/rpc-service.js';
import { getRpcUrl } from '../../rpc/rpc-url.js';
import { kBlobServerEndpointId } from '../../runtime/blob/blob-server-gateway.js';
import { BlobServer } from '../../runtime/blob/blob-server.js';
import type { Configuration } from '../../runtime/configuration/configuration.js';
import type { HighAvailabilityServices } from '../../runtime/highavailability/high-availability-services.js';
import { StandaloneHaServices } from '../../runtime/highavailability/standalone-ha-services.js';
import { JobManagerOptions } from '../config/entrypoint-options.js';
import { hostOf, rpcServiceOptionsOf } from '../config/rpc-service-options.js';
import {
  DispatcherResourceManagerComponent,
  kDispatcherEndpointPrefix,
  kResourceManagerEndpointPrefix,
} from './dispatcher-resource-manager-component.js';

const log = getLogger('JobManagerProcess');

/** Where a standalone cluster's components are, from the jobmanager's host and port. */
export interface ClusterAddresses {
  readonly resourceManager: string;
  readonly dispatcher: string;
  readonly blobServer: string;
}

/** The first leader session's ids: a standalone jobmanager never has another. */
export function standaloneClusterAddresses(host: string, port: number): ClusterAddresses {
  const at = (endpointId: string): string => getRpcUrl(hostOf(host), port, endpointId);
  return {
    resourceManager: at(`${kResourceManagerEndpointPrefix}0`),
    dispatcher: at(`${kDispatcherEndpointPrefix}0`),
    blobServer: at(kBlobServerEndpointId),
  };
}

export interface JobManagerProcessOptions {
  /** A fatal error of the ResourceManager or Dispatcher; the owner ends the process. */
  readonly onFatalError: (error: Error) => void;
}

export class JobManagerProcess {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly rpcService: RpcService,
    readonly addresses: ClusterAddresses,
    private readonly blobServer: BlobServer,
    private readonly haServices: HighAvailabilityServices,
    readonly component: DispatcherResourceManagerComponent,
  ) {}

  /** Listens on jobmanager.rpc.port (0 picks a free one) and starts the components. */
  static async start(
    configuration: Configuration,
    options: JobManagerProcessOptions,
  ): Promise<JobManagerProcess> {
    const host = configuration.get(JobManagerOptions.ADDRESS);
    const rpc = await RpcService.start(
      rpcServiceOptionsOf(configuration, host, configuration.get(JobManagerOptions.PORT)),
    );
    try {
      const addresses = standaloneClusterAddresses(host, rpc.getPort());
      const blobServer = new BlobServer(rpc, { configuration });
      blobServer.start();
      await blobServer.getStorageDir();
      const haServices = new StandaloneHaServices(addresses.resourceManager, addresses.dispatcher);
      const component = new DispatcherResourceManagerComponent({
        rpcService: rpc,
        haServices,
        configuration,
        cleanupJob: (jobId) => blobServer.cleanupJob(jobId),
        onFatalError: options.onFatalError,
      });
      component.start();
      log.info(`The jobmanager listens at ${rpc.getAddress()}; Dispatcher ${addresses.dispatcher}.`);
      return new JobManagerProcess(rpc, addresses, blobServer, haServices, component);
    } catch (error) {
      await rpc.closeAsync().catch(() => {});
      throw error;
    }
  }

  /** `host:port`, what `threadlink taskmanager --jobmanager` and `run --jobmanager` take. */
  getAddress(): string {
    return this.rpcService.getAddress();
  }

  /** Jobs end first (their JobMasters free their slots), then the ResourceManager, blobs and transport. */
  closeAsync(): Promise<void> {
    this.closing ??= (async () => {
      const results = await Promise.allSettled([this.component.closeAsync()]);
      results.push(...(await Promise.allSettled([this.blobServer.closeAsync()])));
      results.push(
        ...(await Promise.allSettled([this.haServices.closeAsync(), this.rpcService.closeAsync()])),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    })();
    return this.closing;
  }
}
