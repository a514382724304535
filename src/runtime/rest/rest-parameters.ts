// The path and query parameters of the REST API, checked: a bad one is a 400.
// Mirrors Flink's JobIDPathParameter, ResourceIdPathParameter and the
// TerminationModeQueryParameter of the job cancellation.

import { JobID, ResourceID } from '../types/ids.js';
import { BadRequestError } from './rest-errors.js';

const kHex32 = /^[\da-f]{32}$/i;
// Flink's JobID is 32 hex digits; threadlink also takes the ids its blob service accepts.
const kJobIdPattern = /^[\w-]{1,128}$/;

/** A job id as the CLI takes it: 32 hex digits (lower-cased, as JobID.generate writes them), or a named id. */
export function jobIdParameter(text: string | undefined): JobID {
  if (text !== undefined && kHex32.test(text)) return JobID.of(text.toLowerCase());
  if (text === undefined || !kJobIdPattern.test(text)) {
    throw new BadRequestError(
      `Invalid job id '${text ?? ''}': expected 32 hex digits, or 1 to 128 letters, digits, '_' or '-'.`,
    );
  }
  return JobID.of(text);
}

export function resourceIdParameter(text: string | undefined): ResourceID {
  if (text === undefined || text === '' || text.length > 256) {
    throw new BadRequestError(`Invalid TaskManager id '${text ?? ''}'.`);
  }
  return ResourceID.of(text);
}

/** The lines of a TaskManager log to show (?lines=N); default and maximum: 1000. */
export const kDefaultLogLines = 1000;

export function logLinesParameter(text: string | undefined): number {
  if (text === undefined) return kDefaultLogLines;
  const lines = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(lines >= 1 && lines <= kDefaultLogLines)) {
    throw new BadRequestError(
      `Invalid lines '${text}': expected a whole number from 1 to ${kDefaultLogLines}.`,
    );
  }
  return lines;
}

/** PATCH /jobs/:id takes ?mode=cancel (Flink's TerminationModeQueryParameter); stop needs savepoints, which threadlink has not. */
export function terminationModeParameter(text: string | undefined): 'cancel' {
  if (text === undefined || text === 'cancel') return 'cancel';
  throw new BadRequestError(`Invalid mode '${text}': only 'cancel' is supported.`);
}

/** ?get=a,b of the metrics handlers (Flink's MetricsFilterParameter): the ids asked for, or undefined for the list. */
export function metricsFilterParameter(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '' || id.length > 256)) {
    throw new BadRequestError(`Invalid get '${text}': expected metric ids separated by commas.`);
  }
  return ids;
}
