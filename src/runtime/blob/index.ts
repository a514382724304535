// The blob service: the JobManager's BlobServer, each TaskManager process's
// PermanentBlobCache, the submit side that bundles and uploads task modules, and
// the `blob:<sha256>` task-module scheme the TaskExecutor resolves (Flink's
// org.apache.flink.runtime.blob).

export * from './blob-errors.js';
export { BlobKey, checkJobId } from './blob-key.js';
export { BlobServerOptions } from './blob-server-options.js';
export { BlobServiceConfiguration } from './blob-service-configuration.js';
export { parseMemorySize } from './memory-size.js';
export { BlobServerGateway, kBlobServerEndpointId } from './blob-server-gateway.js';
export type { BlobUploadTicket } from './blob-server-gateway.js';
export { BlobServer } from './blob-server.js';
export type { BlobServerInit, BlobServerMetrics } from './blob-server.js';
export { downloadBlob, putBlob } from './blob-client.js';
export type { BlobSource, DownloadLimits } from './blob-client.js';
export { PermanentBlobCache } from './permanent-blob-cache.js';
export type { PermanentBlobCacheInit, PermanentBlobService } from './permanent-blob-cache.js';
export {
  BlobCacheGateway,
  BlobCacheService,
  kBlobCacheEndpointId,
  remotePermanentBlobService,
} from './blob-cache-service.js';
export {
  blobKeyOfModule,
  blobModuleSpecifier,
  isBlobModule,
  kBlobModuleScheme,
  resolveTaskInvokable,
} from './blob-task-module.js';
export { packageTaskModule } from './task-module-packaging.js';
export type { PackageTaskModuleOptions, TaskModulePackage } from './task-module-packaging.js';
export { uploadJobArtifacts, uploadTaskModules } from './job-artifacts.js';
