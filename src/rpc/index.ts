// The rpc layer's public surface.
export * from './errors.js';
export { defineGateway } from './gateway.js';
export type {
  FencedRpcGateway,
  GatewayDefinition,
  GatewayMethods,
  MethodKind,
  MethodKindFor,
  RpcGateway,
} from './gateway.js';
export { FencedRpcEndpoint, RpcEndpoint } from './rpc-endpoint.js';
export { RpcService } from './rpc-service.js';
export type { RemoteOptions, SecurityConfig } from './remote-options.js';
export { makeClusterCertificates } from './certs.js';
export type { CertificateOptions, ClusterCertificates, NodeFiles } from './certs.js';
export type { RpcServiceMetrics, RpcServiceOptions } from './rpc-service.js';
export type { Clock, ScheduledExecutor, ScheduledTask } from './scheduled-executor.js';
export { kSystemClock } from './scheduled-executor.js';
export { WorkerHandle } from './worker-handle.js';
export type { SpawnWorkerOptions } from './worker-handle.js';
export type { WorkerMetrics } from './admin-channel.js';
