// The values a stored job graph or job result may carry: whatever JSON can hold, so
// that the stores depend on no job types and their files stay readable.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
