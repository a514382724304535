// Test doubles for the TaskSlotTable tests, after Flink's TaskSlotUtils,
// TestingSlotActions and TestingTaskSlotPayload. Time is a ManualExecutor.

import { DefaultTimerService } from '../../../../src/runtime/taskexecutor/slot/default-timer-service.js';
import type { SlotActions } from '../../../../src/runtime/taskexecutor/slot/slot-actions.js';
import type { TaskSlotPayload } from '../../../../src/runtime/taskexecutor/slot/task-slot-payload.js';
import { TaskSlotTable } from '../../../../src/runtime/taskexecutor/slot/task-slot-table.js';
import type { TimeoutTicket } from '../../../../src/runtime/taskexecutor/slot/timer-service.js';
import { AllocationID, ExecutionAttemptID, JobID } from '../../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../../src/runtime/types/resource-profile.js';
import { ManualExecutor } from '../../../support/manual-executor.js';

export const kDefaultResourceProfile = ResourceProfile.of({
  cpuCores: 1,
  taskHeapMemoryMB: 128,
  taskOffHeapMemoryMB: 16,
  managedMemoryMB: 128,
  networkMemoryMB: 32,
});

/** Long enough that no test runs into it unless it advances time on purpose. */
export const kSlotTimeoutMs = 100_000;

/** Records the calls the table makes to its owner. */
export class RecordingSlotActions implements SlotActions {
  readonly freed: AllocationID[] = [];
  readonly timedOut: { allocationId: AllocationID; ticket: TimeoutTicket }[] = [];
  onFreeSlot: (allocationId: AllocationID) => void = () => {};

  freeSlot(allocationId: AllocationID): void {
    this.freed.push(allocationId);
    this.onFreeSlot(allocationId);
  }

  timeoutSlot(allocationId: AllocationID, ticket: TimeoutTicket): void {
    this.timedOut.push({ allocationId, ticket });
  }
}

/** A task that records when the slot fails it. */
export class TestingTaskSlotPayload implements TaskSlotPayload {
  readonly failures: Error[] = [];

  constructor(
    readonly jobId: JobID = JobID.generate(),
    readonly allocationId: AllocationID = AllocationID.generate(),
    readonly executionId: ExecutionAttemptID = ExecutionAttemptID.generate(),
  ) {}

  failExternally(cause: Error): void {
    this.failures.push(cause);
  }
}

export interface TestingTable {
  readonly table: TaskSlotTable<TestingTaskSlotPayload>;
  readonly executor: ManualExecutor;
  readonly timerService: DefaultTimerService<AllocationID>;
  readonly slotActions: RecordingSlotActions;
}

/** A table of `numberSlots` default slots whose total is exactly numberSlots × default; not started. */
export function createTaskSlotTable(numberSlots: number): TestingTable {
  const executor = new ManualExecutor();
  const timerService = new DefaultTimerService<AllocationID>(executor);
  const slotActions = new RecordingSlotActions();
  const table = new TaskSlotTable<TestingTaskSlotPayload>({
    numberSlots,
    totalResourceProfile: ResourceProfile.multiply(kDefaultResourceProfile, numberSlots),
    defaultSlotResourceProfile: kDefaultResourceProfile,
    timerService,
  });
  return { table, executor, timerService, slotActions };
}

export function createTaskSlotTableAndStart(numberSlots: number): TestingTable {
  const fixture = createTaskSlotTable(numberSlots);
  fixture.table.start(fixture.slotActions);
  return fixture;
}

/** A one-slot table whose slot is active and holds `task`. */
export function createTaskSlotTableWithStartedTask(task: TestingTaskSlotPayload): TestingTable {
  const fixture = createTaskSlotTableAndStart(1);
  const { table } = fixture;
  if (!table.allocateSlot(0, task.jobId, task.allocationId, ResourceProfile.UNKNOWN, kSlotTimeoutMs)) {
    throw new Error('fixture: allocation failed');
  }
  table.markSlotActive(task.allocationId);
  table.addTask(task);
  return fixture;
}
