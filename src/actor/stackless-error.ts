// Errors that only carry a reason to another thread, built without a stack
// trace. V8 captures a stack with every Error, and the error codec formats it
// when the error crosses a thread: together about 40 µs per error, paid on a
// job's happy path for causes nobody reads as a trace (the reason a finished
// job's slots are freed, the failure reply for an endpoint that has stopped).
// The class, code and message still travel; the stack is only `Name: message`.

export function withoutStack<E extends Error>(create: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
