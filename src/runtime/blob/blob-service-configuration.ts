// The blob service's settings read from a Configuration and checked once, for the
// BlobServer and the PermanentBlobCache alike. Plain data, so it clones across
// threads. Mirrors how Flink's blob classes read BlobServerOptions in their constructors.

import { tmpdir } from 'node:os';
import type { Configuration } from '../configuration/configuration.js';
import type { ConfigOption } from '../configuration/config-option.js';
import { IllegalConfigurationError } from '../configuration/illegal-configuration-error.js';
import { toLocalDirectory } from '../highavailability/file-system-state-storage-helper.js';
import { BlobServerOptions } from './blob-server-options.js';

export interface BlobServiceConfiguration {
  /** Where the blobStore-<uuid> directory is created. */
  readonly storageDirectory: string;
  readonly maxSizeBytes: number;
  readonly chunkSizeBytes: number;
  readonly uploadTimeoutMs: number;
  readonly cleanupIntervalMs: number;
  readonly fetchRetries: number;
}

// A chunk travels in one RPC message; past this it could not fit any sane frame limit.
const kMaxChunkBytes = 64 * 1024 * 1024;

export const BlobServiceConfiguration = {
  fromConfiguration(conf: Configuration): BlobServiceConfiguration {
    const { STORAGE_DIRECTORY, MAX_SIZE, CHUNK_SIZE, UPLOAD_TIMEOUT, CLEANUP_INTERVAL, FETCH_RETRIES } =
      BlobServerOptions;
    const configuredDir = conf.get(STORAGE_DIRECTORY).trim();
    return Object.freeze({
      storageDirectory:
        configuredDir === '' ? tmpdir() : toLocalDirectory(configuredDir, STORAGE_DIRECTORY.key),
      maxSizeBytes: atLeast(conf, MAX_SIZE, 0),
      chunkSizeBytes: within(conf, CHUNK_SIZE, 1, kMaxChunkBytes),
      uploadTimeoutMs: within(conf, UPLOAD_TIMEOUT, 1, Number.MAX_SAFE_INTEGER),
      cleanupIntervalMs: within(conf, CLEANUP_INTERVAL, 1, Number.MAX_SAFE_INTEGER),
      fetchRetries: atLeast(conf, FETCH_RETRIES, 0),
    });
  },
};

function atLeast(conf: Configuration, option: ConfigOption<number>, min: number): number {
  return within(conf, option, min, Number.MAX_SAFE_INTEGER);
}

function within(conf: Configuration, option: ConfigOption<number>, min: number, max: number): number {
  const value = conf.get(option);
  if (!(value >= min && value <= max)) {
    throw IllegalConfigurationError.invalidValue(
      option.key,
      value,
      max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}.` : `must be between ${min} and ${max}.`,
    );
  }
  return value;
}
