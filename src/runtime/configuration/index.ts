// Configuration: typed options with Flink's keys and defaults, and the validated
// settings objects derived from them.

export { ClusterOptions } from './cluster-options.js';
export { booleanOption, durationOption, integerOption, stringOption } from './config-option.js';
export type { ConfigOption, ConfigValue } from './config-option.js';
export { Configuration } from './configuration.js';
export { parseDurationMs } from './duration.js';
export { HeartbeatManagerOptions, kFailedRpcDetectionDisabled } from './heartbeat-manager-options.js';
export { HeartbeatServicesConfiguration } from './heartbeat-services-configuration.js';
export { HighAvailabilityOptions } from './high-availability-options.js';
export { IllegalConfigurationError } from './illegal-configuration-error.js';
export { JobMasterOptions } from './job-master-options.js';
export { JobMasterConfiguration } from './job-master-configuration.js';
export { JobResultStoreOptions } from './job-result-store-options.js';
export { RetryingRegistrationConfiguration } from './retrying-registration-configuration.js';
export { RpcOptions } from './rpc-options.js';
export { TaskManagerConfiguration } from './task-manager-configuration.js';
export { TaskManagerOptions } from './task-manager-options.js';
export { MetricRegistryOptions } from './metric-registry-options.js';
