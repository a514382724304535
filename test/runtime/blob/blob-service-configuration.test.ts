// The blob service reads Flink's keys where Flink has them (blob.storage.directory,
// blob.service.cleanup.interval, blob.fetch.retries) and threadlink's own for the
// size limit, chunk size and upload timeout, with their defaults, and refuses
// values it cannot use with IllegalConfigurationError naming the key.

import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { BlobServiceConfiguration } from '../../../src/runtime/blob/blob-service-configuration.js';
import { parseMemorySize } from '../../../src/runtime/blob/memory-size.js';
import type { ConfigValue } from '../../../src/runtime/configuration/config-option.js';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { IllegalConfigurationError } from '../../../src/runtime/configuration/illegal-configuration-error.js';

const of = (entries: Record<string, ConfigValue> = {}) =>
  BlobServiceConfiguration.fromConfiguration(new Configuration(entries));

describe('BlobServiceConfiguration', () => {
  it('has the defaults: the temp dir, 256 MiB, 1 MiB chunks, 5 min upload timeout, 3600 s cleanup, 5 retries', () => {
    expect(of()).to.deep.equal({
      storageDirectory: tmpdir(),
      maxSizeBytes: 256 * 1024 * 1024,
      chunkSizeBytes: 1024 * 1024,
      uploadTimeoutMs: 300_000,
      cleanupIntervalMs: 3_600_000,
      fetchRetries: 5,
    });
  });

  it('reads sizes with Flink’s binary units, or as bytes', () => {
    expect(of({ 'blob.max-size': '64 mb' }).maxSizeBytes).to.equal(64 * 1024 * 1024);
    expect(of({ 'blob.max-size': '1g' }).maxSizeBytes).to.equal(1024 ** 3);
    expect(of({ 'blob.chunk-size': 4096 }).chunkSizeBytes).to.equal(4096);
    expect(of({ 'blob.chunk-size': '512 kibibytes' }).chunkSizeBytes).to.equal(512 * 1024);
    expect(parseMemorySize('100')).to.equal(100);
    expect(() => parseMemorySize('5 parsecs')).to.throw(TypeError, /not a memory unit/);
  });

  it('takes a storage directory as a path or a file: URI', () => {
    expect(of({ 'blob.storage.directory': '/var/blobs' }).storageDirectory).to.equal('/var/blobs');
    expect(of({ 'blob.storage.directory': 'file:///var/blobs' }).storageDirectory).to.equal('/var/blobs');
  });

  for (const [key, value] of [
    ['blob.max-size', 'lots'],
    ['blob.max-size', -1],
    ['blob.chunk-size', 0],
    ['blob.chunk-size', '1 gb'],
    ['blob.upload.timeout', 0],
    ['blob.service.cleanup.interval', 0],
    ['blob.service.cleanup.interval', 'soon'],
    ['blob.fetch.retries', -1],
    ['blob.storage.directory', 'hdfs://namenode/blobs'],
  ] as const) {
    it(`refuses ${key}: ${String(value)}`, () => {
      expect(() => of({ [key]: value })).to.throw(IllegalConfigurationError, key);
    });
  }
});
