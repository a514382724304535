// The TaskExecutor's slot bookkeeping: TaskSlotTable and its parts.

export { DefaultTimerService } from './default-timer-service.js';
export { ResourceBudgetManager } from './resource-budget-manager.js';
export type { SlotActions } from './slot-actions.js';
export { SlotNotActiveError, SlotNotFoundError } from './slot-errors.js';
export { TaskSlot } from './task-slot.js';
export type { TaskSlotPayload } from './task-slot-payload.js';
export { TaskSlotState } from './task-slot-state.js';
export { TaskSlotTable } from './task-slot-table.js';
export type { TaskSlotTableOptions } from './task-slot-table.js';
export type { TimeoutListener, TimeoutTicket, TimerService } from './timer-service.js';
