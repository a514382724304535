// What a cluster process's high availability is made of, from
// high-availability.type: the HA services (standalone: the jobmanager's fixed
// addresses; ZooKeeper: elections and retrieval through the quorum), and with
// ZooKeeper the stores a jobmanager keeps for its successor (job graphs and
// results, and blobs under <high-availability.storageDir>/<cluster-id>/blob).
// Mirrors Flink's HighAvailabilityServicesUtils.

import { join } from 'node:path';
import { FileSystemBlobStore, type BlobStore } from '../runtime/blob/file-system-blob-store.js';
import type { Configuration } from '../runtime/configuration/configuration.js';
import { HighAvailabilityOptions } from '../runtime/configuration/high-availability-options.js';
import { IllegalConfigurationError } from '../runtime/configuration/illegal-configuration-error.js';
import {
  HighAvailabilityJobPersistence,
  kNoJobPersistence,
  type JobPersistence,
} from '../runtime/dispatcher/job-persistence.js';
import { getClusterHighAvailableStoragePath } from '../runtime/highavailability/file-system-state-storage-helper.js';
import type { HighAvailabilityServices } from '../runtime/highavailability/high-availability-services.js';
import { HighAvailabilityMode } from '../runtime/highavailability/high-availability-mode.js';
import { StandaloneHaServices } from '../runtime/highavailability/standalone-ha-services.js';
import { ZooKeeperHaServices } from '../runtime/highavailability/zookeeper/zookeeper-ha-services.js';
import { standaloneClusterAddresses } from './jobmanager/standalone-cluster-addresses.js';

/** A jobmanager's HA: the services, and with ZooKeeper what it keeps for its successor. */
export interface ClusterHighAvailability {
  readonly haServices: HighAvailabilityServices;
  readonly jobPersistence: JobPersistence;
  readonly blobStore: BlobStore | undefined;
  /** Whether leaders change (ZooKeeper): clients follow them, taskmanagers fetch blobs from the current one. */
  readonly leadersChange: boolean;
}

/**
 * The HA of a cluster process. `jobManager` is where the standalone jobmanager
 * listens; with ZooKeeper it is not needed, since each leader publishes its own address.
 */
export function createHighAvailability(
  configuration: Configuration,
  jobManager: { readonly host: string; readonly port: number },
): ClusterHighAvailability {
  const mode = HighAvailabilityMode.fromConfig(configuration);
  if (mode === 'NONE') {
    const addresses = standaloneClusterAddresses(jobManager.host, jobManager.port);
    return {
      haServices: new StandaloneHaServices(addresses.resourceManager, addresses.dispatcher),
      jobPersistence: kNoJobPersistence,
      blobStore: undefined,
      leadersChange: false,
    };
  }
  if (mode !== 'ZOOKEEPER') {
    throw IllegalConfigurationError.invalidValue(
      HighAvailabilityOptions.HA_MODE.key,
      configuration.get(HighAvailabilityOptions.HA_MODE),
      'threadlink supports NONE and ZOOKEEPER.',
    );
  }
  // Checked before the client connects, so a missing storageDir is a configuration error at start.
  const storagePath = getClusterHighAvailableStoragePath(configuration);
  const haServices = ZooKeeperHaServices.fromConfiguration(configuration);
  return {
    haServices,
    jobPersistence: new HighAvailabilityJobPersistence(
      haServices.getJobGraphStore(),
      haServices.getJobResultStore(),
    ),
    blobStore: new FileSystemBlobStore(join(storagePath, 'blob')),
    leadersChange: true,
  };
}
