// The name of a blob: the SHA-256 of its content as 64 lowercase hex digits.
// Mirrors Flink's BlobKey and PermanentBlobKey, which hold a SHA-1 plus a random
// part; a bare SHA-256 makes the key the content's name, so an upload of the same
// bytes for the same job is the same blob. Every key and job id that reaches a
// path is checked here first: nothing from a remote caller becomes a path unchecked.

import type { JobID } from '../types/ids.js';
import { InvalidBlobKeyError, InvalidBlobRequestError } from './blob-errors.js';

/** A blob's SHA-256 as 64 lowercase hex digits. */
export type BlobKey = string & { readonly __brand: 'BlobKey' };

const kKeyPattern = /^[0-9a-f]{64}$/;
// Flink's JobID prints as 32 hex digits; threadlink's JobID.of accepts any text, so
// only characters that cannot climb out of a directory are allowed in a path.
const kJobIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

export const BlobKey = {
  /** Checks `text` and brands it; throws InvalidBlobKeyError, never touching the file system. */
  of(text: unknown): BlobKey {
    if (typeof text !== 'string' || !kKeyPattern.test(text)) {
      throw new InvalidBlobKeyError(
        `Invalid blob key ${describe(text)}: a blob key is the SHA-256 of the blob as 64 lowercase hex digits.`,
      );
    }
    return text as BlobKey;
  },

  /** The key of `bytes`. */
  compute(bytes: Uint8Array): BlobKey {
    // node:crypto loads on first use, not with every worker's bundle.
    return process
      .getBuiltinModule('node:crypto')
      .createHash('sha256')
      .update(bytes)
      .digest('hex') as BlobKey;
  },

  isValid(text: unknown): text is BlobKey {
    return typeof text === 'string' && kKeyPattern.test(text);
  },
};

/** Checks a job id that will name a directory; throws InvalidBlobRequestError. */
export function checkJobId(jobId: unknown): JobID {
  if (typeof jobId !== 'string' || !kJobIdPattern.test(jobId)) {
    throw new InvalidBlobRequestError(
      `Invalid job id ${describe(jobId)} for a blob: expected 1 to 128 characters of A-Z, a-z, 0-9, '_' or '-'.`,
    );
  }
  return jobId as JobID;
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `(a ${value === null ? 'null' : typeof value})`;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
