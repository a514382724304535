// Ports Flink's ZooKeeperLeaderElectionTest and DefaultLeaderElectionServiceTest behaviours
// that apply here, against a real server: one leader of two contenders, takeover when the
// leader stops or its session ends, publication to retrievers, and refused stale writes.

import { expect } from 'chai';
import type { LeaderInformation } from '../../../../src/runtime/highavailability/leader-retrieval-driver.js';
import { ZooKeeperLeaderElectionDriver } from '../../../../src/runtime/highavailability/zookeeper/zookeeper-leader-election-driver.js';
import {
  decodeLeaderInformation,
  writeLeaderInformationToZooKeeper,
} from '../../../../src/runtime/highavailability/zookeeper/zookeeper-leader-information.js';
import {
  getConnectionInformationPath,
  getLeaderPath,
} from '../../../../src/runtime/highavailability/zookeeper/zookeeper-paths.js';
import { eventually } from '../../../support/eventually.js';
import { eventuallyAsync } from '../../../support/eventually-async.js';
import { useZooKeeperServer } from '../../../support/zookeeper-tests.js';
import { RecordingLeaderListener } from '../testing-leader.js';
import {
  confirmingContender,
  lastLeader,
  testClientOptions,
  uniqueClusterId,
  useClients,
  useHaServices,
} from './testing-zookeeper.js';

describe('ZooKeeper leader election', function () {
  this.timeout(30_000);
  const zk = useZooKeeperServer();
  const newHaServices = useHaServices();
  const newClient = useClients();

  it('makes exactly one of two contenders leader and publishes its confirmed address (testZooKeeperLeaderElectionRetrieval)', async () => {
    const clusterId = uniqueClusterId();
    const [haA, haB, haObserver] = [1, 2, 3].map(() => newHaServices(zk.server.connectString, clusterId));
    const electionA = haA!.getResourceManagerLeaderElectionService();
    const electionB = haB!.getResourceManagerLeaderElectionService();
    const contenderA = confirmingContender(electionA, 'node://flink@a/rm');
    const contenderB = confirmingContender(electionB, 'node://flink@b/rm');
    const listener = new RecordingLeaderListener();
    haObserver!.getResourceManagerLeaderRetriever().start(listener);
    electionA.start(contenderA);
    electionB.start(contenderB);

    await eventually(() => lastLeader(listener)?.[0] != null, 'a published leader');
    const [address, sessionId] = lastLeader(listener)!;
    const leader = address === 'node://flink@a/rm' ? contenderA : contenderB;
    const follower = leader === contenderA ? contenderB : contenderA;
    expect(leader.grants).to.deep.equal([sessionId]);
    expect(follower.events).to.deep.equal([]);
    expect(electionA.hasLeadership(sessionId!)).to.equal(leader === contenderA);
    expect(electionB.hasLeadership(sessionId!)).to.equal(leader === contenderB);
  });

  it('lets the other contender take over when the leader stops, and retrievers follow (testZooKeeperReelection)', async () => {
    const clusterId = uniqueClusterId();
    const haA = newHaServices(zk.server.connectString, clusterId);
    const haB = newHaServices(zk.server.connectString, clusterId);
    const electionA = haA.getDispatcherLeaderElectionService();
    const electionB = haB.getDispatcherLeaderElectionService();
    const contenderA = confirmingContender(electionA, 'node://flink@a/dispatcher');
    const contenderB = confirmingContender(electionB, 'node://flink@b/dispatcher');
    const listener = new RecordingLeaderListener();
    haB.getDispatcherLeaderRetriever().start(listener);
    electionA.start(contenderA);
    await eventually(() => lastLeader(listener)?.[0] === 'node://flink@a/dispatcher', 'A published');
    electionB.start(contenderB);

    electionA.stop();
    await eventually(() => lastLeader(listener)?.[0] === 'node://flink@b/dispatcher', 'B published');
    expect(contenderA.events.map((e) => e[0])).to.deep.equal(['grant', 'revoke']);
    expect(contenderB.grants).to.have.length(1);
    expect(lastLeader(listener)![1]).to.equal(contenderB.grants[0]);
    expect(listener.errors).to.deep.equal([]);
  });

  it("lets the other contender take over when the leader's session ends", async () => {
    const clusterId = uniqueClusterId();
    const haA = newHaServices(zk.server.connectString, clusterId);
    const haB = newHaServices(zk.server.connectString, clusterId);
    const electionA = haA.getJobManagerLeaderElectionService('job-1');
    const contenderA = confirmingContender(electionA, 'node://flink@a/jm');
    electionA.start(contenderA);
    await eventually(() => contenderA.grants.length === 1, 'A granted');
    const electionB = haB.getJobManagerLeaderElectionService('job-1');
    const contenderB = confirmingContender(electionB, 'node://flink@b/jm');
    electionB.start(contenderB);
    const listener = new RecordingLeaderListener();
    haB.getJobManagerLeaderRetriever('job-1', 'unused').start(listener);
    await eventually(() => lastLeader(listener)?.[0] === 'node://flink@a/jm', 'A published');

    // The session ends without a word from A's services: its ephemeral nodes go with it.
    await haA.client.close();
    await eventually(() => lastLeader(listener)?.[0] === 'node://flink@b/jm', 'B published');
    expect(contenderB.grants).to.have.length(1);
  });

  it('elects the ResourceManager, the Dispatcher and each JobMaster independently', async () => {
    const ha = newHaServices(zk.server.connectString, uniqueClusterId());
    const elections = [
      ha.getResourceManagerLeaderElectionService(),
      ha.getDispatcherLeaderElectionService(),
      ha.getJobManagerLeaderElectionService('job-a'),
      ha.getJobManagerLeaderElectionService('job-b'),
    ];
    const contenders = elections.map((election, i) => confirmingContender(election, `address-${i}`));
    elections.forEach((election, i) => election.start(contenders[i]!));
    const listeners = [
      ha.getResourceManagerLeaderRetriever(),
      ha.getDispatcherLeaderRetriever(),
      ha.getJobManagerLeaderRetriever('job-a', ''),
      ha.getJobManagerLeaderRetriever('job-b', ''),
    ].map((retriever) => {
      const listener = new RecordingLeaderListener();
      retriever.start(listener);
      return listener;
    });
    await eventually(() => listeners.every((l, i) => lastLeader(l)?.[0] === `address-${i}`), 'every leader');
    const children = await ha.client.getChildren(`${ha.namespace}/leader`);
    expect(children.sort()).to.deep.equal(['dispatcher', 'job-job-a', 'job-job-b', 'resource_manager']);
  });

  it('ignores a confirmation of a session that is not the current one (testOldConfirmLeaderInformation)', async () => {
    const ha = newHaServices(zk.server.connectString, uniqueClusterId());
    const election = ha.getResourceManagerLeaderElectionService();
    const contender = confirmingContender(election, 'node://flink@a/rm');
    contender.onGrant = () => undefined; // confirms by hand below
    election.start(contender);
    await eventually(() => contender.grants.length === 1, 'the grant');
    const listener = new RecordingLeaderListener();
    ha.getResourceManagerLeaderRetriever().start(listener);

    election.confirmLeadership('not-the-session', 'node://flink@stale/rm');
    expect(election.hasLeadership('not-the-session')).to.equal(false);
    election.confirmLeadership(contender.grants[0]!, 'node://flink@a/rm');
    await eventually(() => lastLeader(listener)?.[0] === 'node://flink@a/rm', 'the confirmed leader');
    expect(listener.leaders.map(([address]) => address)).to.not.include('node://flink@stale/rm');
  });

  it('writes its leader information again when someone else deletes it', async () => {
    const ha = newHaServices(zk.server.connectString, uniqueClusterId());
    const election = ha.getResourceManagerLeaderElectionService();
    election.start(confirmingContender(election, 'node://flink@a/rm'));
    const listener = new RecordingLeaderListener();
    ha.getResourceManagerLeaderRetriever().start(listener);
    await eventually(() => lastLeader(listener)?.[0] === 'node://flink@a/rm', 'published');

    const intruder = newClient(testClientOptions(zk.server.connectString));
    await intruder.delete(getConnectionInformationPath(getLeaderPath(ha.namespace, 'resource_manager')));
    await eventually(() => listener.leaders.some(([address]) => address === null), 'the deletion seen');
    await eventually(() => lastLeader(listener)?.[0] === 'node://flink@a/rm', 'written again');
  });

  it("refuses a former leader's write once its latch node is gone, and keeps the new leader's information", async () => {
    const clusterId = uniqueClusterId();
    const haA = newHaServices(zk.server.connectString, clusterId);
    const haB = newHaServices(zk.server.connectString, clusterId);
    const componentPath = getLeaderPath(haA.namespace, 'resource_manager');
    const connectionInfoPath = getConnectionInformationPath(componentPath);
    const revocations: string[] = [];
    const driverA = new ZooKeeperLeaderElectionDriver(haA.client, componentPath, {
      onGrantLeadership: () => undefined,
      onRevokeLeadership: () => void revocations.push('A'),
      onLeaderInformationChange: () => undefined,
      onError: (error) => expect.fail(String(error)),
    });
    await eventually(() => driverA.hasLeadership(), 'A leads');
    const latchNodeA = (await haA.client.getChildren(`${componentPath}/latch`)).map(
      (n) => `${componentPath}/latch/${n}`,
    )[0]!;

    const electionB = haB.getResourceManagerLeaderElectionService();
    const contenderB = confirmingContender(electionB, 'node://flink@b/rm');
    electionB.start(contenderB);
    // A's node disappears (as when its session expires) before A has noticed anything.
    await haB.client.delete(latchNodeA);
    await eventually(() => electionB.hasLeadership(contenderB.grants.at(-1) ?? ''), 'B leads');
    await eventuallyAsync(async () => (await haB.client.exists(connectionInfoPath)) !== null, 'B published');
    const stale: LeaderInformation = { leaderAddress: 'node://flink@a/rm', leaderSessionId: 'stale' };
    const result = await writeLeaderInformationToZooKeeper(
      haA.client,
      stale,
      connectionInfoPath,
      latchNodeA,
      () => true,
    );

    expect(result).to.equal('not-leader');
    await eventually(() => revocations.length === 1, 'A revoked');
    const { data } = await haB.client.getData(connectionInfoPath);
    expect(decodeLeaderInformation(data).leaderAddress).to.equal('node://flink@b/rm');
    await driverA.close();
  });
});
