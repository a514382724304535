// The three components' RPC interfaces and what their calls fail with. They sit
// below the components, so that taskexecutor, jobmaster and resourcemanager
// only ever know each other through these (as Flink's gateways are interfaces
// that a component never implements for another package).

export { JobMasterGateway } from './job-master-gateway.js';
export { ResourceManagerGateway } from './resource-manager-gateway.js';
export { TaskExecutorGateway } from './task-executor-gateway.js';
export {
  SlotAllocationError,
  SlotOccupiedError,
  TaskManagerError,
  TaskNotFoundError,
  TaskSubmissionError,
} from './task-executor-errors.js';
