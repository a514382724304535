// The blob service's options: Flink's BlobServerOptions keys where Flink has the
// concept, and threadlink's own (marked so) for the size limit, the chunk size and
// the upload idle timeout. blob.server.port does not apply: the BlobServer is an
// RpcEndpoint on the JobManager's RpcService and shares its authenticated transport.

import { durationOption, integerOption, stringOption } from '../configuration/config-option.js';
import type { ConfigOption } from '../configuration/config-option.js';
import { parseDurationMs } from '../configuration/duration.js';
import { memorySizeOption } from './memory-size.js';

// Flink's value is a number of seconds (a Long); a duration with a unit is taken too.
function secondsOption(
  key: string,
  spec: { defaultSeconds: number; description: string; deprecatedKeys: readonly string[] },
): ConfigOption<number> {
  return Object.freeze({
    key,
    defaultValue: spec.defaultSeconds * 1000,
    description: spec.description,
    deprecatedKeys: spec.deprecatedKeys,
    fallbackKeys: [],
    convert: (raw: unknown): number => {
      const text = typeof raw === 'string' ? raw.trim() : raw;
      if (typeof text === 'number' || (typeof text === 'string' && /^\d+$/.test(text))) {
        const seconds = Number(text);
        if (!Number.isSafeInteger(seconds))
          throw new TypeError(`${String(raw)} is not a whole number of seconds`);
        return seconds * 1000;
      }
      if (typeof text === 'string') return parseDurationMs(text);
      throw new TypeError(`a ${typeof raw} is not a number of seconds`);
    },
  });
}

export const BlobServerOptions = {
  STORAGE_DIRECTORY: stringOption('blob.storage.directory', {
    defaultValue: '',
    description:
      'Directory under which the BlobServer and each BlobCache create their blobStore-<uuid> storage ' +
      'directory, removed again when they close. Empty: the system temp directory.',
  }),
  MAX_SIZE: memorySizeOption('blob.max-size', {
    defaultValue: 256 * 1024 * 1024,
    description:
      "threadlink's own: the largest blob the BlobServer accepts and a BlobCache downloads, in bytes " +
      '(or a size such as "64 mb").',
  }),
  CHUNK_SIZE: memorySizeOption('blob.chunk-size', {
    defaultValue: 1024 * 1024,
    description:
      "threadlink's own: bytes per upload or download message. It must fit in the RpcService's " +
      'maxFrameBytes (10 MiB by default) with room to spare.',
  }),
  UPLOAD_TIMEOUT: durationOption('blob.upload.timeout', {
    defaultValue: 5 * 60_000,
    description:
      "threadlink's own: an upload that receives no chunk for this long is dropped with its temporary file.",
  }),
  CLEANUP_INTERVAL: secondsOption('blob.service.cleanup.interval', {
    defaultSeconds: 3600,
    description: "How long a BlobCache keeps a job's files after its last reference is released, in seconds.",
    deprecatedKeys: ['library-cache-manager.cleanup.interval'],
  }),
  FETCH_RETRIES: integerOption('blob.fetch.retries', {
    defaultValue: 5,
    description:
      'How often a BlobCache retries a download that failed on the way (never one that failed its hash check).',
  }),
} as const;
