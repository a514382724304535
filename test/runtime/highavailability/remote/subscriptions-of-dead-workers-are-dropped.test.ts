// A worker thread that dies leaves no subscription behind on the main thread,
// whether its death is found by a failed notification or reported by the
// MiniCluster. Flink gets this from ZooKeeper's ephemeral nodes and session
// expiry (ZooKeeperLeaderElectionTest.testEphemeralZooKeeperNodes). Across threads only:
// a thread cannot outlive itself on the same-thread path.

import { expect } from 'chai';
import { useRpcService } from '../../../support/paths.js';
import { MainSide, startRetrievalWorker, waitUntil } from './testing-remote-ha.js';

describe('Subscriptions of dead workers are dropped (across threads)', () => {
  const service = useRpcService();
  let main: MainSide;

  beforeEach(() => {
    main = new MainSide(service.rpc);
  });
  afterEach(async () => {
    await service.rpc.closeAsync();
    await main.haServices.closeAsync();
  });

  it('drops a subscription whose notification finds its thread dead (RecipientUnreachableError)', async () => {
    const worker = await startRetrievalWorker(main, 'across threads');
    await worker.control.startRetriever('rm', { kind: 'resourcemanager' });
    await worker.control.startRetriever('job', { kind: 'jobmanager', jobId: 'job', defaultAddress: '' });
    main.electResourceManager('rm-address');
    await main.recorder.waitFor('rm', 1);
    await worker.control.ping();
    await worker.handle!.kill();
    expect(await main.server.numberOfSubscriptions()).to.equal(2);

    await main.revokeResourceManager();

    await waitUntil(
      async () => (await main.server.numberOfSubscriptions()) === 1,
      'the rm subscription is dropped',
    );
    // The job's subscription has not been notified since, so only the MiniCluster can drop it.
    expect(await main.server.removeSubscriptionsOf(worker.host)).to.equal(1);
  });

  it("drops an exited worker's subscriptions on removeSubscriptionsOf, and keeps serving the others", async () => {
    const [dead, alive] = await Promise.all([
      startRetrievalWorker(main, 'across threads'),
      startRetrievalWorker(main, 'across threads'),
    ]);
    await dead!.control.startRetriever('dead', { kind: 'resourcemanager' });
    await alive!.control.startRetriever('alive', { kind: 'resourcemanager' });
    const contender = main.electResourceManager('rm-address');
    await Promise.all([main.recorder.waitFor('dead', 1), main.recorder.waitFor('alive', 1)]);

    // The replies to its notification are in before it dies, so no ask to it fails.
    await dead!.control.ping();
    await dead!.handle!.kill();
    expect(await main.server.removeSubscriptionsOf(dead!.host)).to.equal(1);
    expect(await main.server.numberOfSubscriptions()).to.equal(1);

    await main.revokeResourceManager();
    await main.recorder.waitFor('alive', 3);
    const [first, second] = contender.grants;
    expect(main.recorder.leaders('alive')).to.deep.equal([
      ['rm-address', first],
      [null, null],
      ['rm-address', second],
    ]);
  });
});
