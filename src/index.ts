// threadlink: Apache Flink's cluster control plane on Node.js worker threads.
export * from './actor/index.js';
export * from './rpc/index.js';
export * from './runtime/index.js';
export * from './cluster/index.js';
