// GET /taskmanagers and /taskmanagers/:id. Mirrors Flink's TaskManagersHandler
// and TaskManagerDetailsHandler, from the ResourceManager's requestTaskManagerInfo.

import type { TaskManagerInfo } from '../../types/task-manager-info.js';
import type { TaskManagerInfoBody, TaskManagersInfo } from '../messages/task-managers-info.js';
import { RestHandlerError } from '../rest-errors.js';
import type { RestGateways } from '../rest-gateways.js';
import type { ResourceID } from '../../types/ids.js';

/** A thread figure of TaskManagerInfo, left out while it is -1 (no heartbeat yet, or metrics off). */
function known(key: string, value: number): Record<string, number> {
  return value >= 0 ? { [key]: value } : {};
}

export function taskManagerInfoBody(info: TaskManagerInfo): TaskManagerInfoBody {
  return {
    id: info.resourceId,
    path: info.address,
    timeSinceLastHeartbeat: info.lastHeartbeat,
    slotsNumber: info.numberSlots,
    freeSlots: info.numberAvailableSlots,
    totalResource: info.totalResourceProfile,
    metrics: {
      ...known('heapUsed', info.heapUsedBytes),
      ...known('heapMax', info.heapTotalBytes),
      ...known('eventLoopUtilization', info.eventLoopUtilization),
      ...known('eventLoopDelayP99Ms', info.eventLoopDelayP99Ms),
    },
  };
}

export async function handleTaskManagers(gateways: RestGateways): Promise<TaskManagersInfo> {
  const resourceManager = await gateways.resourceManager();
  const infos = await resourceManager.requestTaskManagerInfo(gateways.timeoutMs);
  return { taskmanagers: infos.map(taskManagerInfoBody) };
}

export async function handleTaskManagerDetails(
  gateways: RestGateways,
  taskManagerId: ResourceID,
): Promise<TaskManagerInfoBody> {
  const resourceManager = await gateways.resourceManager();
  const infos = await resourceManager.requestTaskManagerInfo(gateways.timeoutMs);
  const info = infos.find((candidate) => candidate.resourceId === taskManagerId);
  if (!info) throw new RestHandlerError(`Could not find TaskExecutor ${taskManagerId}.`, 404);
  return taskManagerInfoBody(info);
}
