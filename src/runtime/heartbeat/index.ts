// Flink's heartbeat package (org.apache.flink.runtime.heartbeat): targets,
// listeners, the receiving and requesting managers, and the factory for both.

export type { HeartbeatTarget } from './heartbeat-target.js';
export type { HeartbeatListener } from './heartbeat-listener.js';
export type { HeartbeatManager } from './heartbeat-manager.js';
export type { HeartbeatMonitor, HeartbeatMonitorFactory } from './heartbeat-monitor.js';
export type { HeartbeatLog } from './heartbeat-log.js';
export { kSilentHeartbeatLog } from './heartbeat-log.js';
export {
  kDefaultFailedRpcRequestsUntilUnreachable,
  kDefaultHeartbeatInterval,
  kDefaultHeartbeatTimeout,
} from './heartbeat-constants.js';
export { DefaultHeartbeatMonitor, defaultHeartbeatMonitorFactory } from './default-heartbeat-monitor.js';
export type { HeartbeatMonitorState } from './default-heartbeat-monitor.js';
export { HeartbeatManagerImpl } from './heartbeat-manager-impl.js';
export { HeartbeatManagerSenderImpl } from './heartbeat-manager-sender-impl.js';
export { HeartbeatServices } from './heartbeat-services.js';
export { heartbeatLossListener } from './heartbeat-loss-listener.js';
export type { HeartbeatLoss, HeartbeatLossHandler } from './heartbeat-loss-listener.js';
