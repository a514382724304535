// A task whose module is `blob:<key>` gets its code from the TaskExecutor's blob
// service: the job is registered there when it enters the TaskExecutor and
// released when it leaves, the module is fetched before the slot worker sees
// the task, once per job for all its tasks, and a fetch that fails, or no blob
// service at all, fails the task with the cause. Flink's Task downloads its
// jars through the PermanentBlobService (LibraryCacheManager) in the same
// place, before invoke, and resolves a job's class loader once per lease.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

import { BlobNotFoundError } from '../../../../src/runtime/blob/blob-errors.js';
import type { BlobKey } from '../../../../src/runtime/blob/blob-key.js';
import type { TaskBlobService } from '../../../../src/runtime/taskexecutor/task/task-code.js';
import type { JobID } from '../../../../src/runtime/types/ids.js';
import { eventually } from '../../../support/eventually.js';
import { useRpcService } from '../../../support/paths.js';
import { invokable, kRpcTimeoutMs, TestingTaskDeployment } from './testing-task-deployment.js';

const kKey = 'a'.repeat(64);

/** Records every call; getFile answers with `files` or with what the test settles by hand. */
class RecordingBlobService implements TaskBlobService {
  readonly calls: string[] = [];
  answer: (jobId: JobID, key: BlobKey) => Promise<string> = () => Promise.reject(new Error('no answer set'));

  registerJob(jobId: JobID): void {
    this.calls.push(`register ${jobId}`);
  }

  releaseJob(jobId: JobID): void {
    this.calls.push(`release ${jobId}`);
  }

  getFile(jobId: JobID, key: BlobKey): Promise<string> {
    this.calls.push(`get ${jobId} ${key}`);
    return this.answer(jobId, key);
  }
}

describe('TaskExecutor: task code from the blob service', () => {
  const service = useRpcService();
  let dir: string;
  let blobs: RecordingBlobService;
  let bed: TestingTaskDeployment;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'threadlink-task-code-'));
    // As in a BlobCache: the file is named after its key, without an extension.
    const file = join(dir, `blob_${kKey}`);
    await writeFile(file, 'export function add(a, b) { return { sum: a + b, url: import.meta.url }; }\n');
    blobs = new RecordingBlobService();
    blobs.answer = async () => file;
    bed = await TestingTaskDeployment.start(service.rpc, { blobService: blobs });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the job once, fetches the module before the task runs, and runs the local copy', async () => {
    const result = (await bed.resultOf(invokable(`blob:${kKey}`, 'add', 2, 3))) as {
      sum: number;
      url: string;
    };
    expect(result.sum).to.equal(5);
    // The warm worker keys its module cache per job with a query string.
    expect(result.url.split('?')[0]).to.equal(`file://${join(dir, `blob_${kKey}.mjs`)}`);
    expect(blobs.calls).to.deep.equal([`register ${bed.jobId}`, `get ${bed.jobId} ${kKey}`]);
  });

  it("fetches a job's module once for all the job's tasks, and again for the next job", async () => {
    const jobId = bed.jobId;
    for (let i = 0; i < 3; i++) await bed.resultOf(invokable(`blob:${kKey}`, 'add', i, 1));
    expect(blobs.calls).to.deep.equal([`register ${jobId}`, `get ${jobId} ${kKey}`]);
    await bed.nextJob();
    await bed.resultOf(invokable(`blob:${kKey}`, 'add', 1, 1));
    expect(blobs.calls.filter((call) => call.startsWith('get'))).to.deep.equal([
      `get ${jobId} ${kKey}`,
      `get ${bed.jobId} ${kKey}`,
    ]);
  });

  it("fetches again for the job's next task after a fetch failed", async () => {
    const answer = blobs.answer;
    blobs.answer = () => Promise.reject(new BlobNotFoundError(`No blob ${kKey}.`));
    expect((await bed.run(invokable(`blob:${kKey}`, 'add', 1, 1))).state).to.equal('FAILED');
    blobs.answer = answer;
    expect(((await bed.resultOf(invokable(`blob:${kKey}`, 'add', 2, 2))) as { sum: number }).sum).to.equal(4);
    expect(blobs.calls.filter((call) => call.startsWith('get'))).to.have.length(2);
  });

  it('releases the job when its last slot is freed', async () => {
    await bed.resultOf(invokable(`blob:${kKey}`, 'add', 1, 1));
    await bed.nextJob();
    await eventually(
      () => blobs.calls.includes(`release ${blobs.calls[0]!.slice('register '.length)}`),
      'release',
    );
    expect(blobs.calls.filter((call) => call.startsWith('register'))).to.have.length(2);
  });

  it('fails the task with the cause when the fetch fails', async () => {
    blobs.answer = () => Promise.reject(new BlobNotFoundError(`No blob ${kKey}.`));
    const state = await bed.run(invokable(`blob:${kKey}`, 'add', 1, 1));
    expect(state.state).to.equal('FAILED');
    expect(state.error).to.include({ code: 'ERR_BLOB_NOT_FOUND' });
  });

  it('cancels a task still waiting for its code without running it', async () => {
    let deliver!: (path: string) => void;
    blobs.answer = () => new Promise<string>((resolve) => (deliver = resolve));
    const executionId = await bed.submit(invokable(`blob:${kKey}`, 'add', 1, 1));
    await eventually(() => blobs.calls.some((call) => call.startsWith('get')), 'the fetch');
    await bed.h.gateway.cancelTask(executionId, kRpcTimeoutMs);
    const final = await bed.finalStateOf(executionId);
    deliver(join(dir, `blob_${kKey}`));
    expect(final.state).to.equal('CANCELED');
    expect(bed.statesOf(executionId).map((state) => state.state)).to.deep.equal(['CANCELED']);
  });
});

describe('TaskExecutor: a blob task without a blob service', () => {
  const service = useRpcService();

  it('fails the task, saying the TaskExecutor has no blob service', async () => {
    const bed = await TestingTaskDeployment.start(service.rpc);
    const state = await bed.run(invokable(`blob:${kKey}`, 'add', 1, 1));
    expect(state.state).to.equal('FAILED');
    expect(state.error).to.include({ code: 'ERR_TASK_SUBMISSION' });
    expect(state.error?.message).to.contain('has no blob service');
  });
});
