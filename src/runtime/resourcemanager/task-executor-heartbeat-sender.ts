// The heartbeat target the ResourceManager monitors for each TaskExecutor.
// Mirrors ResourceManager.TaskExecutorHeartbeatSender: the ResourceManager only
// requests heartbeats; the TaskExecutor answers with heartbeatFromTaskManager,
// which reaches the heartbeat manager's receiveHeartbeat.

import type { HeartbeatTarget } from '../heartbeat/heartbeat-target.js';
import type { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import { ResourceID } from '../types/ids.js';

export function taskExecutorHeartbeatSender(gateway: TaskExecutorGateway): HeartbeatTarget<void> {
  return {
    // The ResourceManager always sends heartbeat requests to the TaskExecutor.
    receiveHeartbeat: () => Promise.resolve(),
    requestHeartbeat: (origin) => gateway.heartbeatFromResourceManager(ResourceID.of(origin)),
  };
}
