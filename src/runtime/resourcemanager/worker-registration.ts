// One registered TaskExecutor as the ResourceManager keeps it: the gateway it
// connected back to, what the TaskExecutor sent, and the InstanceID of this
// registration. Mirrors Flink's WorkerRegistration (and TaskExecutorConnection).

import type { TaskExecutorGateway } from '../gateways/task-executor-gateway.js';
import { InstanceID, type ResourceID } from '../types/ids.js';
import type { ResourceProfile } from '../types/resource-profile.js';
import type { TaskExecutorRegistration } from '../types/task-executor-registration.js';
import type { ThreadStats } from '../types/thread-stats.js';
import type { TaskExecutorConnection } from './slotmanager/slot-manager.js';

export class WorkerRegistration implements TaskExecutorConnection {
  /** New for every registration, so a late message of an older one can be told apart. */
  readonly instanceId: InstanceID = InstanceID.generate();
  /** The thread figures of the TaskExecutor's latest heartbeat; none before the first. */
  threadStats: ThreadStats | undefined;

  constructor(
    readonly gateway: TaskExecutorGateway,
    private readonly registration: TaskExecutorRegistration,
  ) {}

  get resourceId(): ResourceID {
    return this.registration.resourceId;
  }

  get address(): string {
    return this.registration.taskExecutorAddress;
  }

  get totalResourceProfile(): ResourceProfile {
    return this.registration.totalResourceProfile;
  }

  get defaultSlotResourceProfile(): ResourceProfile {
    return this.registration.defaultSlotResourceProfile;
  }
}
