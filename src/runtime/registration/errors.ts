// Errors of the registration machinery, with stable codes. Flink uses a
// CancellationException and IllegalStateException here; named classes let a
// caller tell "given up on purpose" from "used wrongly" after a thread hop too.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';

/** The registration was cancelled (its target lost leadership, or the connection closed). */
export class RegistrationCancelledError extends FlinkError {
  static override readonly code = 'ERR_REGISTRATION_CANCELLED';
}

/** A connection or service was used in a state that does not allow the call. */
export class IllegalRegistrationStateError extends FlinkError {
  static override readonly code = 'ERR_ILLEGAL_REGISTRATION_STATE';
}

registerErrorClasses(RegistrationCancelledError, IllegalRegistrationStateError);
