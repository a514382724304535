// The errors of the blob service, each with a stable code. Flink's BlobServer and
// BlobCache answer with IOExceptions and messages only; here a failed hash check,
// a blob over the size limit or a bad key is a class of its own, so that a job
// that fails for one of them says which, on whatever thread or process it lands.

import { registerErrorClasses } from '../../actor/error-codec.js';
import { FlinkError } from '../flink-error.js';

/** The base of every blob service error. */
export class BlobError extends FlinkError {
  static override readonly code: string = 'ERR_BLOB';
}

/** What arrived does not hash to the key it was asked for; nothing of it was kept. */
export class BlobHashMismatchError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_HASH_MISMATCH';
}

/** A blob over the size limit (`blob.max-size`); refused before or as soon as it went over. */
export class BlobTooLargeError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_TOO_LARGE';
}

/** A blob key that is not 64 lowercase hex digits (a SHA-256). */
export class InvalidBlobKeyError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_INVALID_KEY';
}

/** Any other malformed request: a bad job id, offset, length, size or chunk. */
export class InvalidBlobRequestError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_INVALID_REQUEST';
}

/** No blob under that job and key (Flink's FileNotFoundException). */
export class BlobNotFoundError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_NOT_FOUND';
}

/** The upload is unknown: never begun, finished, aborted, or dropped after its idle timeout. */
export class UnknownBlobUploadError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_UNKNOWN_UPLOAD';
}

/** A cache call for a job that is not registered (Flink's registerJob/releaseJob contract). */
export class BlobJobNotRegisteredError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_JOB_NOT_REGISTERED';
}

/** The blob server or cache has been closed. */
export class BlobServiceClosedError extends BlobError {
  static override readonly code: string = 'ERR_BLOB_SERVICE_CLOSED';
}

/** A task module could not be bundled at submit time; the message carries esbuild's. */
export class TaskModulePackagingError extends BlobError {
  static override readonly code: string = 'ERR_TASK_MODULE_PACKAGING';
}

registerErrorClasses(
  BlobError,
  BlobHashMismatchError,
  BlobTooLargeError,
  InvalidBlobKeyError,
  InvalidBlobRequestError,
  BlobNotFoundError,
  UnknownBlobUploadError,
  BlobJobNotRegisteredError,
  BlobServiceClosedError,
  TaskModulePackagingError,
);
