// A TaskExecutor's thread learns the ResourceManager and JobMaster leaders, and every
// change of them, from the main thread's embedded HA services. After Flink's
// ZooKeeperLeaderElectionTest (testZooKeeperLeaderElectionRetrieval, testZooKeeperReelection)
// and EmbeddedHaServicesTest (reference §4, 92), on both paths.

import { expect } from 'chai';
import { kPaths, useRpcService } from '../../../support/paths.js';
import { MainSide, startRetrievalWorker } from './testing-remote-ha.js';

for (const path of kPaths) {
  describe(`RemoteHaServices hear every leader change (${path})`, () => {
    const service = useRpcService();
    let main: MainSide;

    beforeEach(() => {
      main = new MainSide(service.rpc);
    });
    afterEach(async () => {
      await service.rpc.closeAsync();
      await main.haServices.closeAsync();
    });

    it('hears the ResourceManager leader once it confirms, with its address and session', async () => {
      const worker = await startRetrievalWorker(main, path);
      await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
      const contender = main.electResourceManager('rm-address');

      await main.recorder.waitFor('rm', 1);
      expect(main.recorder.leaders('rm')).to.deep.equal([['rm-address', contender.lastSession]]);
    });

    it('hears (null, null) when leadership is revoked, then the new session', async () => {
      const worker = await startRetrievalWorker(main, path);
      await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
      const contender = main.electResourceManager('rm-address');
      await main.recorder.waitFor('rm', 1);

      await main.revokeResourceManager();
      await main.recorder.waitFor('rm', 3);

      const [first, second] = contender.grants;
      expect(second).to.not.equal(first);
      expect(main.recorder.leaders('rm')).to.deep.equal([
        ['rm-address', first],
        [null, null],
        ['rm-address', second],
      ]);
    });

    it('hears the current leader at once when it subscribes late', async () => {
      const contender = main.electResourceManager('rm-address');
      const worker = await startRetrievalWorker(main, path);

      await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
      await main.recorder.waitFor('rm', 1);

      expect(main.recorder.leaders('rm')).to.deep.equal([['rm-address', contender.lastSession]]);
    });

    it("hears its job's JobMaster leader, revoked and re-elected, and nothing of other jobs", async () => {
      const worker = await startRetrievalWorker(main, path);
      const target = { kind: 'jobmanager', jobId: 'job-1', defaultAddress: 'unused' } as const;
      await worker.control.startRetriever('job-1', target);
      const otherJob = main.electJobMaster('job-2', 'jm-2-address');
      const contender = main.electJobMaster('job-1', 'jm-1-address');
      await main.recorder.waitFor('job-1', 1);

      await main.haServices.getJobManagerLeaderService('job-1').revokeLeadership();
      await main.recorder.waitFor('job-1', 3);

      const [first, second] = contender.grants;
      expect(main.recorder.leaders('job-1')).to.deep.equal([
        ['jm-1-address', first],
        [null, null],
        ['jm-1-address', second],
      ]);
      expect(otherJob.grants).to.have.length(1);
      expect(main.recorder.events.every((e) => e.label === 'job-1')).to.equal(true);
    });

    it('hears many leader changes in the order they happened', async () => {
      const worker = await startRetrievalWorker(main, path);
      await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
      const contender = main.electResourceManager('rm-address');
      await main.recorder.waitFor('rm', 1);

      const changes = 25;
      for (let i = 0; i < changes; i++) await main.revokeResourceManager();
      await main.recorder.waitFor('rm', 1 + 2 * changes);

      const expected = contender.grants.flatMap((session, i) =>
        i === 0
          ? [['rm-address', session]]
          : [
              [null, null],
              ['rm-address', session],
            ],
      );
      expect(contender.grants).to.have.length(changes + 1);
      expect(main.recorder.leaders('rm')).to.deep.equal(expected);
    });

    it('keeps the ResourceManager and job retrievers of one worker apart', async () => {
      const worker = await startRetrievalWorker(main, path);
      await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
      await worker.control.startRetriever('job', { kind: 'jobmanager', jobId: 'job', defaultAddress: '' });
      const rm = main.electResourceManager('rm-address');
      const jm = main.electJobMaster('job', 'jm-address');

      await Promise.all([main.recorder.waitFor('rm', 1), main.recorder.waitFor('job', 1)]);

      expect(main.recorder.leaders('rm')).to.deep.equal([['rm-address', rm.lastSession]]);
      expect(main.recorder.leaders('job')).to.deep.equal([['jm-address', jm.lastSession]]);
    });
  });
}
