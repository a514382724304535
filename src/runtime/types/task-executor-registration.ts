// What a TaskExecutor sends when it registers at the ResourceManager. Mirrors
// Flink's TaskExecutorRegistration and HardwareDescription (memory in bytes, as there).

import type { ResourceID } from './ids.js';
import type { ResourceProfile } from './resource-profile.js';

export interface HardwareDescription {
  readonly numberOfCPUCores: number;
  readonly sizeOfPhysicalMemory: number;
  readonly sizeOfJvmHeap: number;
  readonly sizeOfManagedMemory: number;
}

export interface TaskExecutorRegistration {
  /** RPC address of the TaskExecutor, e.g. `node://flink@thread-3/user/rpc/taskmanager_0`. */
  readonly taskExecutorAddress: string;
  readonly resourceId: ResourceID;
  readonly dataPort?: number;
  readonly hardwareDescription?: HardwareDescription;
  readonly defaultSlotResourceProfile: ResourceProfile;
  readonly totalResourceProfile: ResourceProfile;
  readonly nodeId?: string;
}
