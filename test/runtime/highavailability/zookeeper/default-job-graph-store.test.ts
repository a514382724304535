// Ports the DefaultJobGraphStoreTest and ZooKeeperJobGraphsStoreITCase behaviours that apply
// here: job graphs stored as files with pointers in ZooKeeper, recovered by a new client,
// locks that keep another store from removing a job, and coded errors for broken files.

import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  JobGraphRecord,
  JobGraphStore,
} from '../../../../src/runtime/highavailability/job-graph-store.js';
import {
  CorruptStateHandleError,
  JobGraphStoreError,
  StateHandleNotFoundError,
} from '../../../../src/runtime/highavailability/job-persistence-errors.js';
import { eventually } from '../../../support/eventually.js';
import { useZooKeeperServer } from '../../../support/zookeeper-tests.js';
import { uniqueClusterId, useHaServices } from './testing-zookeeper.js';

const listener = () => {
  const events: string[] = [];
  return {
    events,
    onAddedJobGraph: (jobId: string) => void events.push(`added ${jobId}`),
    onRemovedJobGraph: (jobId: string) => void events.push(`removed ${jobId}`),
  };
};

const jobGraph = (jobId: string, payload: JobGraphRecord['payload'] = { vertices: 3 }): JobGraphRecord => ({
  jobId,
  name: `job ${jobId}`,
  payload,
});

describe('DefaultJobGraphStore on ZooKeeper', function () {
  this.timeout(20_000);
  const zk = useZooKeeperServer();
  const newHaServices = useHaServices();
  let storageDir: string;
  beforeEach(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'threadlink-ha-storage-'));
  });
  afterEach(async () => {
    await rm(storageDir, { recursive: true, force: true });
  });

  async function startStore(clusterId: string): Promise<{ store: JobGraphStore; events: string[] }> {
    const ha = newHaServices(zk.server.connectString, clusterId, {
      'high-availability.storageDir': storageDir,
    });
    const store = ha.getJobGraphStore();
    const recorded = listener();
    await store.start(recorded);
    return { store, events: recorded.events };
  }

  it('stores a job graph as a file with a pointer in ZooKeeper, and a new client recovers it (testPutAndRemoveJobGraph)', async () => {
    const clusterId = uniqueClusterId();
    const first = await startStore(clusterId);
    await first.store.putJobGraph(jobGraph('job-1'));
    expect(await readdir(join(storageDir, clusterId))).to.have.length(1);
    await first.store.stop();

    const second = await startStore(clusterId);
    expect(await second.store.getJobIds()).to.deep.equal(['job-1']);
    expect(await second.store.recoverJobGraph('job-1')).to.deep.equal(jobGraph('job-1'));
    expect(await second.store.recoverJobGraph('unknown')).to.equal(null);

    await second.store.putJobGraph(jobGraph('job-1', { vertices: 4 }));
    expect((await second.store.recoverJobGraph('job-1'))?.payload).to.deep.equal({ vertices: 4 });
    expect(await readdir(join(storageDir, clusterId))).to.have.length(1); // the old file is discarded
    await second.store.globalCleanup('job-1');
    expect(await second.store.getJobIds()).to.deep.equal([]);
    expect(await readdir(join(storageDir, clusterId))).to.deep.equal([]);
  });

  it('refuses to update a job graph it neither put nor recovered (testUpdateJobGraphYouDidNotGetOrAdd)', async () => {
    const clusterId = uniqueClusterId();
    const first = await startStore(clusterId);
    const second = await startStore(clusterId);
    await first.store.putJobGraph(jobGraph('job-1'));
    await second.store.putJobGraph(jobGraph('job-1')).then(
      () => expect.fail('must be refused'),
      (error: unknown) => expect(error).to.be.instanceOf(JobGraphStoreError),
    );
  });

  it('cannot remove a job graph another store has locked until that store releases it (testJobGraphRemovalFailureAndLockRelease)', async () => {
    const clusterId = uniqueClusterId();
    const first = await startStore(clusterId);
    const second = await startStore(clusterId);
    await first.store.putJobGraph(jobGraph('job-1'));
    expect(await second.store.recoverJobGraph('job-1')).to.not.equal(null);

    await first.store.globalCleanup('job-1').then(
      () => expect.fail('the other lock must prevent the removal'),
      (error: unknown) => expect((error as JobGraphStoreError).code).to.equal('ERR_JOB_GRAPH_STORE'),
    );
    await second.store.localCleanup('job-1');
    await first.store.putJobGraph(jobGraph('job-1')); // still ours after the failed removal
    await first.store.globalCleanup('job-1');
    expect(await first.store.getJobIds()).to.deep.equal([]);
  });

  it('tells its listener of job graphs added and removed by another store only (testConcurrentAddJobGraph)', async () => {
    const clusterId = uniqueClusterId();
    const first = await startStore(clusterId);
    const second = await startStore(clusterId);
    await first.store.putJobGraph(jobGraph('job-1'));
    await eventually(() => second.events.includes('added job-1'), 'the addition seen');
    expect(first.events).to.deep.equal([]);

    await second.store.recoverJobGraph('job-1');
    await second.store.localCleanup('job-1');
    await first.store.globalCleanup('job-1');
    await first.store.putJobGraph(jobGraph('job-2'));
    await eventually(() => second.events.includes('added job-2'), 'the second addition seen');
    expect(first.events).to.deep.equal([]);
  });

  it('gives a coded error for a pointer to a missing or corrupt file, and does not keep it locked', async () => {
    const clusterId = uniqueClusterId();
    const first = await startStore(clusterId);
    await first.store.putJobGraph(jobGraph('job-1'));
    await first.store.putJobGraph(jobGraph('job-2'));
    const [fileOfJob1, fileOfJob2] = await fileOf(first.store, storageDir, clusterId);
    await rm(fileOfJob1!);
    await writeFile(fileOfJob2!, '{ not json');
    await first.store.stop();

    const second = await startStore(clusterId);
    await second.store.recoverJobGraph('job-1').then(
      () => expect.fail('the file is missing'),
      (error: unknown) => {
        expect(error).to.be.instanceOf(StateHandleNotFoundError);
        expect((error as StateHandleNotFoundError).code).to.equal('ERR_STATE_HANDLE_NOT_FOUND');
      },
    );
    await second.store.recoverJobGraph('job-2').then(
      () => expect.fail('the file is corrupt'),
      (error: unknown) =>
        expect((error as CorruptStateHandleError).code).to.equal('ERR_STATE_HANDLE_CORRUPT'),
    );
    // The pointers stay for someone to clean up; the failed recoveries hold no lock on them.
    const observer = newHaServices(zk.server.connectString, clusterId);
    expect(await observer.client.getChildren(`${observer.namespace}/jobgraphs/job-1/locks`)).to.deep.equal(
      [],
    );
    expect(await second.store.getJobIds()).to.deep.equal(['job-1', 'job-2']);
  });

  it('leaves no temporary files behind a write', async () => {
    const clusterId = uniqueClusterId();
    const { store } = await startStore(clusterId);
    await store.putJobGraph(jobGraph('job-1'));
    const files = await readdir(join(storageDir, clusterId));
    expect(files.filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
    expect(files[0]).to.match(/^submittedJobGraph[0-9a-f]+$/);
  });
});

/** The state files of job-1 and job-2, in that order, read from their pointers. */
async function fileOf(store: JobGraphStore, storageDir: string, clusterId: string): Promise<string[]> {
  void store;
  const files = (await readdir(join(storageDir, clusterId))).map((name) => join(storageDir, clusterId, name));
  const { readFile } = await import('node:fs/promises');
  const byJob = new Map<string, string>();
  for (const file of files)
    byJob.set((JSON.parse(await readFile(file, 'utf8')) as JobGraphRecord).jobId, file);
  return [byJob.get('job-1')!, byJob.get('job-2')!];
}
