// threadlink/runtime: the advanced, less stable surface. Flink's internals
// (ids and messages, configuration, heartbeats, HA services, registration, the
// gateways, the TaskExecutor, ResourceManager and JobMaster with their parts,
// the REST API),
// and the actor and rpc layers beneath them, for those who build components or
// transports of their own. The package root exports what users need.

export * from '../actor/index.js';
export * from '../rpc/index.js';

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
export * from './blob/index.js';
export * from './rest/index.js';
export * from './metrics/index.js';
