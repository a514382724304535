// A blob being written to a temporary file: bytes are appended in order, hashed
// as they come (SHA-256, so the key is known the moment the last byte is), and
// either finished into a key or discarded with the file. Both an upload at the
// BlobServer and a download at a BlobCache write through one, as Flink's
// BlobServerConnection and BlobClient both digest what they stream to a temp file.

import { createHash, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import type { BlobKey } from './blob-key.js';

export class IncomingBlobFile {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  /** The writes so far, one after another; a failure stays until finish or discard. */
  private writes: Promise<void> = Promise.resolve();
  private failure: unknown;
  private state: 'open' | 'finished' | 'discarded' = 'open';

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates the file; it must not exist yet. */
  static async create(path: string): Promise<IncomingBlobFile> {
    return new IncomingBlobFile(path, await open(path, 'wx', 0o600));
  }

  /** Bytes appended so far (hashed at once, written to disk in order). */
  get size(): number {
    return this.bytes;
  }

  /**
   * Appends `chunk`. The hash and size change before this returns, so calls
   * made in order are hashed in order; the write itself is queued behind the
   * previous ones. The chunk must not be changed afterwards.
   */
  append(chunk: Uint8Array): Promise<void> {
    if (this.state !== 'open') throw new Error(`The incoming blob file ${this.path} is ${this.state}.`);
    this.hash.update(chunk);
    const position = this.bytes;
    this.bytes += chunk.byteLength;
    const write = this.writes.then(async () => {
      if (this.failure !== undefined) return;
      try {
        let done = 0;
        while (done < chunk.byteLength) {
          const { bytesWritten } = await this.handle.write(
            chunk,
            done,
            chunk.byteLength - done,
            position + done,
          );
          done += bytesWritten;
        }
      } catch (error) {
        this.failure = error;
      }
    });
    this.writes = write;
    return write.then(() => {
      if (this.failure !== undefined) throw this.failure;
    });
  }

  /** Waits for every write, closes the file and returns the SHA-256 of what was appended. */
  async finish(): Promise<BlobKey> {
    if (this.state !== 'open') throw new Error(`The incoming blob file ${this.path} is ${this.state}.`);
    this.state = 'finished';
    await this.writes;
    await this.handle.close();
    if (this.failure !== undefined) throw this.failure;
    return this.hash.digest('hex') as BlobKey;
  }

  /** Closes and deletes the file; safe to call at any time, and more than once. */
  async discard(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'discarded';
    if (wasOpen) {
      await this.writes;
      await this.handle.close().catch(() => {});
    }
    await rm(this.path, { force: true });
  }
}
