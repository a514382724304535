// The life of one execution attempt of a task. Mirrors Flink's ExecutionState,
// without the states threadlink never enters (RECONCILING, INITIALIZING).
//
//   CREATED → SCHEDULED → DEPLOYING → RUNNING → FINISHED
//                 ↘            ↘          ↘→ FAILED
//                  → CANCELING → CANCELED

export const ExecutionState = {
  /** Known to the JobMaster, waiting for a slot. */
  CREATED: 'CREATED',
  /** A slot is assigned; the deployment is about to be sent. */
  SCHEDULED: 'SCHEDULED',
  /** submitTask was sent; the TaskExecutor is starting the task. */
  DEPLOYING: 'DEPLOYING',
  /** The task's code is running in its slot's worker. */
  RUNNING: 'RUNNING',
  /** The task returned; its return value is the result. */
  FINISHED: 'FINISHED',
  /** Cancellation was asked for and has not yet been confirmed. */
  CANCELING: 'CANCELING',
  /** The task was cancelled; its worker was ended. */
  CANCELED: 'CANCELED',
  /** The task threw, its worker died, or its TaskExecutor was lost. */
  FAILED: 'FAILED',
} as const;

export type ExecutionState = (typeof ExecutionState)[keyof typeof ExecutionState];

/** FINISHED, CANCELED and FAILED: nothing follows them. */
export function isTerminalExecutionState(state: ExecutionState): boolean {
  return state === 'FINISHED' || state === 'CANCELED' || state === 'FAILED';
}
