// Who hears how a RegisteredRpcConnection's registration ended. Mirrors Flink's
// RegistrationConnectionListener; the TaskExecutor implements it for its
// ResourceManager connection.

export interface RegistrationConnectionListener<T, S, R> {
  /** `connection` says which connection succeeded, so the listener can ignore an outdated one. */
  onRegistrationSuccess(connection: T, success: S): void;
  onRegistrationFailure(failure: Error): void;
  onRegistrationRejection(targetAddress: string, rejection: R): void;
}
