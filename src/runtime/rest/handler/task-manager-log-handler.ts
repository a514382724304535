// GET /taskmanagers/:id/log?lines=N: the TaskExecutor's last N log lines as
// text. Mirrors Flink's TaskManagerLogFileHandler, which has the ResourceManager
// ask the TaskExecutor to upload its log (requestTaskManagerFileUploadByType).

import type { ResourceID } from '../../types/ids.js';
import type { RestGateways } from '../rest-gateways.js';

export async function handleTaskManagerLog(
  gateways: RestGateways,
  taskManagerId: ResourceID,
  lines: number,
): Promise<string> {
  const resourceManager = await gateways.resourceManager();
  const log = await resourceManager.requestTaskManagerLogLines(taskManagerId, lines, gateways.timeoutMs);
  return log.length === 0 ? '' : `${log.join('\n')}\n`;
}
