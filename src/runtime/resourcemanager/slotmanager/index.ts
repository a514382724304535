// Flink's resourcemanager.slotmanager package: the SlotManager and its default.

export { DefaultSlotManager } from './default-slot-manager.js';
export type { DefaultSlotManagerOptions } from './default-slot-manager.js';
export type { SlotManager, SlotManagerRegistrationResult, TaskExecutorConnection } from './slot-manager.js';
export type { SlotState } from './task-manager-slot.js';
