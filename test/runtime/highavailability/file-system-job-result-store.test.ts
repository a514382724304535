// Ports Flink's FileSystemJobResultStoreTest and JobResultStoreContractTest behaviours:
// dirty entries become clean (deleted or renamed), duplicates are refused, unknown jobs
// cannot be marked clean, and the store's path comes from Flink's keys.

import { expect } from 'chai';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../../src/runtime/configuration/configuration.js';
import { IllegalConfigurationError } from '../../../src/runtime/configuration/illegal-configuration-error.js';
import { FileSystemJobResultStore } from '../../../src/runtime/highavailability/file-system-job-result-store.js';
import {
  JobResultEntryAlreadyExistsError,
  NoSuchJobResultError,
} from '../../../src/runtime/highavailability/job-persistence-errors.js';
import type { JobResultRecord } from '../../../src/runtime/highavailability/job-result-store.js';

const result = (jobId: string): JobResultRecord => ({
  jobId,
  applicationStatus: 'SUCCEEDED',
  payload: { netRuntime: 12 },
});

describe('FileSystemJobResultStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'threadlink-jrs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a dirty entry until it is marked clean, then deletes it (testDeleteOnCommit)', async () => {
    const store = new FileSystemJobResultStore(dir, true);
    await store.createDirtyResult(result('job-1'));
    expect(await store.hasDirtyJobResultEntry('job-1')).to.equal(true);
    expect(await store.hasJobResultEntry('job-1')).to.equal(true);
    expect(await store.getDirtyResults()).to.deep.equal([result('job-1')]);
    expect(await readdir(dir)).to.deep.equal(['job-1_DIRTY.json']);

    await store.markResultAsClean('job-1');
    expect(await store.hasJobResultEntry('job-1')).to.equal(false);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('renames a cleaned entry to <jobId>.json when delete-on-commit is off, and cleaning twice is fine', async () => {
    const store = new FileSystemJobResultStore(dir, false);
    await store.createDirtyResult(result('job-1'));
    await store.markResultAsClean('job-1');
    await store.markResultAsClean('job-1');
    expect(await store.hasCleanJobResultEntry('job-1')).to.equal(true);
    expect(await store.hasDirtyJobResultEntry('job-1')).to.equal(false);
    expect(await store.getDirtyResults()).to.deep.equal([]);
    expect(await readdir(dir)).to.deep.equal(['job-1.json']);
  });

  it('reads back an entry, dirty or clean, and null for a job it has none of', async () => {
    const store = new FileSystemJobResultStore(dir, false);
    expect(await store.getJobResult('job-1')).to.equal(null);
    await store.createDirtyResult(result('job-1'));
    expect(await store.getJobResult('job-1')).to.deep.equal(result('job-1'));
    await store.markResultAsClean('job-1');
    expect(await store.getJobResult('job-1')).to.deep.equal(result('job-1'));
    const deleting = new FileSystemJobResultStore(join(dir, 'deleting'), true);
    await deleting.createDirtyResult(result('job-2'));
    await deleting.markResultAsClean('job-2');
    expect(await deleting.getJobResult('job-2')).to.equal(null);
  });

  it('refuses a second entry for the same job, dirty or clean (testStoreDirtyEntryForAlreadyCleanedJobResultThrowsException)', async () => {
    const store = new FileSystemJobResultStore(dir, false);
    await store.createDirtyResult(result('job-1'));
    for (let round = 0; round < 2; round++) {
      await store.createDirtyResult(result('job-1')).then(
        () => expect.fail('must be refused'),
        (error: unknown) =>
          expect((error as JobResultEntryAlreadyExistsError).code).to.equal('ERR_JOB_RESULT_ENTRY_EXISTS'),
      );
      await store.markResultAsClean('job-1');
    }
  });

  it('cannot mark an unknown job clean (testCleaningNonExistentEntryThrowsException)', async () => {
    const store = new FileSystemJobResultStore(dir, true);
    await store.markResultAsClean('job-x').then(
      () => expect.fail('must fail'),
      (error: unknown) => expect(error).to.be.instanceOf(NoSuchJobResultError),
    );
  });

  it('is found by a new instance on the same path, as after a failover', async () => {
    await new FileSystemJobResultStore(dir, true).createDirtyResult(result('job-1'));
    expect(await new FileSystemJobResultStore(dir, true).getDirtyResults()).to.deep.equal([result('job-1')]);
  });

  it('lives under <storageDir>/job-result-store/<cluster-id> unless job-result-store.storage-path is set', () => {
    const conf = new Configuration({
      'high-availability.storageDir': `file://${dir}`,
      'high-availability.cluster-id': 'cluster-a',
    });
    expect(FileSystemJobResultStore.fromConfiguration(conf).basePath).to.equal(
      join(dir, 'job-result-store', 'cluster-a'),
    );
    // threadlink keeps clean results by default (Flink deletes them), so a new leader can still answer.
    expect(FileSystemJobResultStore.fromConfiguration(conf).deleteOnCommit).to.equal(false);
    conf.setString('job-result-store.storage-path', join(dir, 'results'));
    conf.setString('job-result-store.delete-on-commit', 'true');
    expect(FileSystemJobResultStore.fromConfiguration(conf).basePath).to.equal(join(dir, 'results'));
    expect(FileSystemJobResultStore.fromConfiguration(conf).deleteOnCommit).to.equal(true);
    expect(() => FileSystemJobResultStore.fromConfiguration(new Configuration())).to.throw(
      IllegalConfigurationError,
    );
  });
});
