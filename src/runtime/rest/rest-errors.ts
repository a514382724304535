// The errors of the REST API, each with an HTTP status and a stable code, and
// how an error of the runtime maps to a status. Mirrors Flink's
// RestHandlerException: its message goes to the client as `{ errors: [...] }`.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { codeOf, FlinkError } from '../flink-error.js';

export class RestHandlerError extends FlinkError {
  static override readonly code: string = 'ERR_REST_HANDLER';

  constructor(
    message: string,
    readonly httpStatus: 400 | 404 | 500 | 503,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A path or query parameter that does not parse (400). */
export class BadRequestError extends RestHandlerError {
  static override readonly code = 'ERR_REST_BAD_REQUEST';

  constructor(message: string) {
    super(message, 400);
  }
}

/** The REST endpoint could not listen (the port is taken, the address is not this host's). */
export class RestServerError extends FlinkError {
  static override readonly code = 'ERR_REST_SERVER';
}

registerErrorClasses(RestHandlerError, BadRequestError, RestServerError);

/** Runtime error codes that mean "no such thing" to a REST client. */
const kNotFoundCodes = new Set(['ERR_JOB_NOT_FOUND', 'ERR_UNKNOWN_TASK_EXECUTOR']);

/** The HTTP status for `error`: its own for a RestHandlerError, 404 for an unknown job or TaskExecutor, else 500. */
export function httpStatusOf(error: unknown): 400 | 404 | 500 | 503 {
  if (error instanceof RestHandlerError) return error.httpStatus;
  const code = codeOf(error);
  if (typeof code === 'string' && kNotFoundCodes.has(code)) return 404;
  return 500;
}
