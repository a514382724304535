// The HA services through a ZooKeeper outage of about 3 s, with
// tolerate-suspended-connections false (Flink's default) and true: no fatal error either
// way; with false a SUSPENDED connection already revokes the leader and clears retrieval,
// with true only a LOST session does, and in every case the election recovers.

import { expect } from 'chai';
import { eventuallyAsync } from '../../../support/eventually-async.js';
import { useZooKeeperServer } from '../../../support/zookeeper-tests.js';
import type { ZooKeeperServer } from '../../../../scripts/zookeeper-server.js';
import { RecordingLeaderListener } from '../testing-leader.js';
import {
  confirmingContender,
  lastLeader,
  recordStates,
  uniqueClusterId,
  useHaServices,
} from './testing-zookeeper.js';

/** How long ZooKeeper stays away: the scenario, not a wait for a result. */
const kOutageMs = 3000;

async function outage(server: ZooKeeperServer, whileDown: () => Promise<void>): Promise<void> {
  const stoppedAt = performance.now();
  await server.stop();
  await whileDown();
  await eventuallyAsync(() => performance.now() - stoppedAt >= kOutageMs, 'the end of the outage');
  await server.restart();
}

describe('ZooKeeper HA services survive a ZooKeeper outage', function () {
  this.timeout(60_000);
  const zk = useZooKeeperServer();
  const newHaServices = useHaServices();

  function startLeaderAndObserver(settings: Record<string, string | number | boolean>) {
    const ha = newHaServices(zk.server.connectString, uniqueClusterId(), settings);
    const election = ha.getResourceManagerLeaderElectionService();
    const contender = confirmingContender(election, 'node://flink@a/rm');
    election.start(contender);
    const listener = new RecordingLeaderListener();
    ha.getResourceManagerLeaderRetriever().start(listener);
    const states = recordStates(ha.client);
    return { ha, contender, listener, states };
  }

  it('revokes leadership and clears retrieval on SUSPENDED, then elects again after the reconnect (tolerate-suspended-connections=false)', async () => {
    const { contender, listener, states } = startLeaderAndObserver({
      'high-availability.zookeeper.client.session-timeout': '8 s',
    });
    await eventuallyAsync(() => lastLeader(listener)?.[0] === 'node://flink@a/rm', 'the leader published');
    const firstSession = contender.grants[0];

    await outage(zk.server, async () => {
      await eventuallyAsync(() => contender.events.some(([kind]) => kind === 'revoke'), 'the revocation');
      await eventuallyAsync(() => lastLeader(listener)?.[0] === null, 'no leader');
    });
    await eventuallyAsync(() => contender.grants.length === 2, 'a new grant');
    await eventuallyAsync(
      () => lastLeader(listener)?.[1] === contender.grants[1],
      'the new session published',
    );

    expect(states).to.deep.equal(['CONNECTED', 'SUSPENDED', 'RECONNECTED']);
    expect(contender.grants[1]).to.not.equal(firstSession);
    expect(contender.errors).to.deep.equal([]);
    expect(listener.errors).to.deep.equal([]);
  });

  it('keeps the leader and its retrieval through SUSPENDED in the same session (tolerate-suspended-connections=true)', async () => {
    const { contender, listener, states } = startLeaderAndObserver({
      'high-availability.zookeeper.client.session-timeout': '8 s',
      'high-availability.zookeeper.client.tolerate-suspended-connections': true,
    });
    await eventuallyAsync(() => lastLeader(listener)?.[0] === 'node://flink@a/rm', 'the leader published');

    await outage(zk.server, async () => {
      await eventuallyAsync(() => states.includes('SUSPENDED'), 'SUSPENDED');
    });
    await eventuallyAsync(() => states.includes('RECONNECTED'), 'RECONNECTED');

    expect(states).to.deep.equal(['CONNECTED', 'SUSPENDED', 'RECONNECTED']);
    expect(contender.events.map(([kind]) => kind)).to.deep.equal(['grant']);
    expect(listener.leaders).to.deep.equal([['node://flink@a/rm', contender.grants[0]]]);
    expect(listener.errors).to.deep.equal([]);
  });

  it('revokes on a LOST session even when tolerating SUSPENDED, and re-joins the election in a new session', async () => {
    const { ha, contender, listener, states } = startLeaderAndObserver({
      'high-availability.zookeeper.client.tolerate-suspended-connections': true,
    });
    await eventuallyAsync(() => lastLeader(listener)?.[0] === 'node://flink@a/rm', 'the leader published');
    const firstSession = ha.client.getSessionId();

    await outage(zk.server, async () => {
      await eventuallyAsync(() => states.includes('LOST'), 'LOST');
      expect(contender.events.map(([kind]) => kind)).to.deep.equal(['grant', 'revoke']);
      expect(lastLeader(listener)).to.deep.equal([null, null]);
    });
    await eventuallyAsync(() => contender.grants.length === 2, 'a new grant');
    await eventuallyAsync(
      () => lastLeader(listener)?.[1] === contender.grants[1],
      'the new session published',
    );

    expect(states).to.deep.equal(['CONNECTED', 'SUSPENDED', 'LOST', 'RECONNECTED']);
    expect(ha.client.getSessionId()).to.not.equal(firstSession);
    expect(contender.errors).to.deep.equal([]);
    expect(listener.errors).to.deep.equal([]);
  });
});
