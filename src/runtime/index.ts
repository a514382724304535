// The runtime layer: Flink's TaskManager control plane on the rpc layer.

export { FlinkError } from './flink-error.js';
export * from './types/index.js';
export * from './configuration/index.js';
export * from './heartbeat/index.js';
export * from './highavailability/index.js';
export * from './registration/index.js';
export * from './gateways/index.js';
export * from './taskexecutor/index.js';
export * from './resourcemanager/index.js';
export * from './jobmaster/index.js';
