// Registration of one component at another, with retries (Flink's
// org.apache.flink.runtime.registration package).

export { IllegalRegistrationStateError, RegistrationCancelledError } from './errors.js';
export { RegisteredRpcConnection } from './registered-rpc-connection.js';
export type { RegistrationConnectionListener } from './registration-connection-listener.js';
export { RetryingRegistration } from './retrying-registration.js';
export type {
  RegistrationAttemptResponse,
  RegistrationRpcService,
  RetryingRegistrationOptions,
  RetryingRegistrationResult,
} from './retrying-registration.js';
