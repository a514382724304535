// Where a component reports an error it cannot recover from. Mirrors Flink's
// FatalErrorHandler: the TaskManagerRunner implements it and ends the worker.

export interface FatalErrorHandler {
  onFatalError(error: Error): void;
}
