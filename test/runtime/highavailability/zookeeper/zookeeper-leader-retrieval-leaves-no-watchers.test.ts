// A stopped ZooKeeper leader retrieval takes its watch out of the client, as
// Curator's recipes do on close (WatcherRemovalManager). Without that, a client
// that retrieves a leader per call (ClusterClient.listTaskManagers) kept one more
// watcher per call for as long as the leader stayed the same: bench:failover's
// polling made node-zookeeper-client warn of a listener leak.

import { expect } from 'chai';
import {
  getConnectionInformationPath,
  getLeaderPath,
} from '../../../../src/runtime/highavailability/zookeeper/zookeeper-paths.js';
import { eventually } from '../../../support/eventually.js';
import { useZooKeeperServer } from '../../../support/zookeeper-tests.js';
import { RecordingLeaderListener } from '../testing-leader.js';
import { confirmingContender, lastLeader, uniqueClusterId, useHaServices } from './testing-zookeeper.js';

describe('ZooKeeper leader retrieval, stopped', function () {
  this.timeout(30_000);
  const zk = useZooKeeperServer();
  const newHaServices = useHaServices();

  it('leaves no watcher in the client, however many retrievals were started and stopped while the leader stayed', async () => {
    const clusterId = uniqueClusterId();
    const leaderHa = newHaServices(zk.server.connectString, clusterId);
    const election = leaderHa.getResourceManagerLeaderElectionService();
    election.start(confirmingContender(election, 'node://flink@a/rm'));
    const observer = newHaServices(zk.server.connectString, clusterId);
    const path = getConnectionInformationPath(getLeaderPath(observer.namespace, 'resource_manager'));

    for (let i = 0; i < 12; i++) {
      const retriever = observer.getResourceManagerLeaderRetriever();
      const listener = new RecordingLeaderListener();
      retriever.start(listener);
      await eventually(() => lastLeader(listener)?.[0] === 'node://flink@a/rm', 'the leader');
      // A running retrieval does watch the node: the count below measures something.
      expect(observer.client.watcherCount(path)).to.equal(1);
      retriever.stop();
      expect(observer.client.watcherCount(path)).to.equal(0);
    }
  });

  it('takes out the watch of a read that was under way when it stopped', async () => {
    const clusterId = uniqueClusterId();
    const leaderHa = newHaServices(zk.server.connectString, clusterId);
    const election = leaderHa.getResourceManagerLeaderElectionService();
    const leader = new RecordingLeaderListener();
    leaderHa.getResourceManagerLeaderRetriever().start(leader);
    election.start(confirmingContender(election, 'node://flink@a/rm'));
    await eventually(() => lastLeader(leader)?.[0] === 'node://flink@a/rm', 'the leader');
    const observer = newHaServices(zk.server.connectString, clusterId);
    const path = getConnectionInformationPath(getLeaderPath(observer.namespace, 'resource_manager'));
    // Its client reads at once when connected: stop before the answer has come.
    await observer.client.exists(path);
    const retriever = observer.getResourceManagerLeaderRetriever();
    const listener = new RecordingLeaderListener();
    retriever.start(listener);
    retriever.stop();
    // A read on the same connection after the retrieval's: answered after it (ZooKeeper keeps a session's order).
    await observer.client.exists(path);
    expect(listener.leaders).to.deep.equal([]);
    expect(observer.client.watcherCount(path)).to.equal(0);
  });
});
