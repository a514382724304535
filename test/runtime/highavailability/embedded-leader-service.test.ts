// Ports Flink's EmbeddedLeaderServiceTest and the EmbeddedLeaderService parts of
// EmbeddedHaServicesTest, with every notification run by hand on a ManualExecutor.

import { expect } from 'chai';
import { EmbeddedLeaderService } from '../../../src/runtime/highavailability/embedded-leader-service.js';
import {
  IllegalLeaderServiceStateError,
  LeaderServiceShutdownError,
} from '../../../src/runtime/highavailability/errors.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { RecordingLeaderContender, RecordingLeaderListener } from './testing-leader.js';

const kUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('EmbeddedLeaderService', () => {
  let executor: ManualExecutor;
  let service: EmbeddedLeaderService;

  beforeEach(() => {
    executor = new ManualExecutor();
    service = new EmbeddedLeaderService(executor);
  });
  afterEach(() => {
    service.shutdown();
    executor.triggerAll();
  });

  it('grants the first contender a random session id through the executor, not synchronously', () => {
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    election.start(contender);
    expect(contender.events).to.deep.equal([]);

    executor.triggerAll();
    expect(contender.grants).to.have.length(1);
    expect(contender.grants[0]).to.match(kUuid);
    expect(election.hasLeadership(contender.grants[0]!)).to.equal(true);
    expect(election.hasLeadership('00000000-0000-0000-0000-000000000000')).to.equal(false);
  });

  it('elects exactly one of two contenders', () => {
    const first = new RecordingLeaderContender();
    const second = new RecordingLeaderContender();
    service.createLeaderElectionService().start(first);
    service.createLeaderElectionService().start(second);
    executor.triggerAll();
    expect(first.grants).to.have.length(1);
    expect(second.grants).to.have.length(0);
  });

  it('tells listeners the leader only after it confirms, asynchronously', () => {
    const listener = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(listener);
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    election.start(contender);
    executor.triggerAll();
    expect(listener.leaders).to.deep.equal([]);

    const sessionId = contender.grants[0]!;
    election.confirmLeadership(sessionId, 'node://flink@main/user/rpc/resourcemanager_0');
    expect(listener.leaders).to.deep.equal([]);
    executor.triggerAll();
    expect(listener.leaders).to.deep.equal([['node://flink@main/user/rpc/resourcemanager_0', sessionId]]);
  });

  it('ignores a confirmation with a wrong session id or from a contender that was not proposed', () => {
    const listener = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(listener);
    const leaderElection = service.createLeaderElectionService();
    const otherElection = service.createLeaderElectionService();
    const leader = new RecordingLeaderContender();
    leaderElection.start(leader);
    otherElection.start(new RecordingLeaderContender());
    executor.triggerAll();
    const sessionId = leader.grants[0]!;

    leaderElection.confirmLeadership('not-the-session', 'wrong-session');
    otherElection.confirmLeadership(sessionId, 'wrong-contender');
    executor.triggerAll();
    expect(listener.leaders).to.deep.equal([]);
  });

  it('tells a listener that starts late the current leader', () => {
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    contender.onGrant = (sessionId) => election.confirmLeadership(sessionId, 'leader-address');
    election.start(contender);
    executor.triggerAll();

    const late = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(late);
    executor.triggerAll();
    expect(late.leaders).to.deep.equal([['leader-address', contender.grants[0]]]);
  });

  it('on revokeLeadership tells listeners (null, null) and grants a new session', async () => {
    const listener = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(listener);
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    contender.onGrant = (sessionId) => election.confirmLeadership(sessionId, 'leader-address');
    election.start(contender);
    executor.triggerAll();
    const oldSession = contender.grants[0]!;

    const revoked = service.revokeLeadership();
    expect(election.hasLeadership(oldSession)).to.equal(false);
    executor.triggerAll();
    await revoked;

    const newSession = contender.grants[1]!;
    expect(newSession).to.match(kUuid).and.not.equal(oldSession);
    expect(contender.events.map((e) => e[0])).to.deep.equal(['grant', 'revoke', 'grant']);
    expect(listener.leaders).to.deep.equal([
      ['leader-address', oldSession],
      [null, null],
      ['leader-address', newSession],
    ]);
    expect(election.hasLeadership(newSession)).to.equal(true);
  });

  it('keeps the new session when a stale and a current confirmation race after a revoke', async () => {
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    election.start(contender);
    executor.triggerAll();
    const oldSession = contender.grants[0]!;
    expect(election.hasLeadership(oldSession)).to.equal(true);

    const revoked = service.revokeLeadership();
    executor.triggerAll();
    await revoked;
    expect(election.hasLeadership(oldSession)).to.equal(false);

    const granted = service.grantLeadership(); // a no-op: revoke already proposed a new session
    executor.triggerAll();
    await granted;
    const newSession = contender.grants[1]!;
    expect(contender.grants).to.have.length(2);
    expect(election.hasLeadership(newSession)).to.equal(true);

    const listener = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(listener);
    election.confirmLeadership(oldSession, 'stale');
    election.confirmLeadership(newSession, 'current');
    executor.triggerAll();
    expect(election.hasLeadership(newSession)).to.equal(true);
    expect(listener.leaders).to.deep.equal([['current', newSession]]);
    expect(contender.errors).to.deep.equal([]);
  });

  it('passes leadership to the next contender when the leader stops', () => {
    const listener = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(listener);
    const firstElection = service.createLeaderElectionService();
    const secondElection = service.createLeaderElectionService();
    const first = new RecordingLeaderContender();
    const second = new RecordingLeaderContender();
    first.onGrant = (id) => firstElection.confirmLeadership(id, 'first');
    second.onGrant = (id) => secondElection.confirmLeadership(id, 'second');
    firstElection.start(first);
    secondElection.start(second);
    executor.triggerAll();

    firstElection.stop();
    expect(first.events.map((e) => e[0])).to.deep.equal(['grant', 'revoke']);
    executor.triggerAll();
    expect(second.grants).to.have.length(1);
    expect(second.grants[0]).not.to.equal(first.grants[0]);
    expect(listener.leaders).to.deep.equal([
      ['first', first.grants[0]],
      ['second', second.grants[0]],
    ]);
  });

  it('tells listeners (null, null) when the last contender stops', () => {
    const listener = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(listener);
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    contender.onGrant = (id) => election.confirmLeadership(id, 'leader');
    election.start(contender);
    executor.triggerAll();

    election.stop();
    executor.triggerAll();
    expect(listener.leaders).to.deep.equal([
      ['leader', contender.grants[0]],
      [null, null],
    ]);
  });

  it('does not grant a contender that stopped before the grant ran (concurrent grant and stop)', () => {
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    election.start(contender);
    election.stop();

    expect(service.isShutdown()).to.equal(false);
    service.shutdown();
    executor.triggerAll();
    expect(contender.events).to.deep.equal([]);
  });

  it('revokes a contender once when it stops while a revoke is still queued (concurrent revoke and stop)', async () => {
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    election.start(contender);
    executor.triggerAll();

    let settled = false;
    const revoked = service.revokeLeadership().then(() => (settled = true));
    election.stop();
    expect(service.isShutdown()).to.equal(false);
    expect(contender.events.map((e) => e[0])).to.deep.equal(['grant', 'revoke']);
    await Promise.resolve();
    expect(settled, 'the revoke has not run yet').to.equal(false);

    executor.triggerAll();
    await revoked;
    // The queued revoke and the re-grant it proposed both found the contender gone.
    expect(contender.events.map((e) => e[0])).to.deep.equal(['grant', 'revoke']);
  });

  it('tells a listener nothing after it stopped', () => {
    const listener = new RecordingLeaderListener();
    const retrieval = service.createLeaderRetrievalService();
    retrieval.start(listener);
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    election.start(contender);
    executor.triggerAll();
    election.confirmLeadership(contender.grants[0]!, 'leader'); // queues a notification
    retrieval.stop();
    executor.triggerAll();
    expect(listener.leaders).to.deep.equal([]);
  });

  it('hands a listener error thrown by notifyLeaderAddress back to its handleError', () => {
    const errors: Error[] = [];
    service.createLeaderRetrievalService().start({
      notifyLeaderAddress: () => {
        throw new Error('listener broke');
      },
      handleError: (error) => errors.push(error),
    });
    const election = service.createLeaderElectionService();
    const contender = new RecordingLeaderContender();
    contender.onGrant = (id) => election.confirmLeadership(id, 'leader');
    election.start(contender);
    executor.triggerAll();
    expect(errors.map((e) => e.message)).to.deep.equal(['listener broke']);
  });

  it('rejects starting the same election or retrieval service twice', () => {
    const election = service.createLeaderElectionService();
    election.start(new RecordingLeaderContender());
    expect(() => election.start(new RecordingLeaderContender())).to.throw(IllegalLeaderServiceStateError);
    const retrieval = service.createLeaderRetrievalService();
    retrieval.start(new RecordingLeaderListener());
    expect(() => retrieval.start(new RecordingLeaderListener())).to.throw(IllegalLeaderServiceStateError);
  });

  it('on shutdown revokes the leader, fails every contender and listener, and refuses further use', async () => {
    const listener = new RecordingLeaderListener();
    service.createLeaderRetrievalService().start(listener);
    const leaderElection = service.createLeaderElectionService();
    const leader = new RecordingLeaderContender();
    const follower = new RecordingLeaderContender();
    leaderElection.start(leader);
    service.createLeaderElectionService().start(follower);
    executor.triggerAll();

    service.shutdown();
    expect(service.isShutdown()).to.equal(true);
    expect(leader.events.map((e) => e[0])).to.deep.equal(['grant', 'revoke', 'error']);
    expect(follower.events.map((e) => e[0])).to.deep.equal(['error']);
    expect(leader.errors[0]).to.be.instanceOf(LeaderServiceShutdownError);
    expect(listener.errors).to.have.length(1);
    expect(listener.errors[0]).to.be.instanceOf(LeaderServiceShutdownError);
    expect(leaderElection.hasLeadership(leader.grants[0]!)).to.equal(false);

    expect(() => service.createLeaderElectionService()).to.throw(IllegalLeaderServiceStateError, /shut down/);
    expect(() => service.createLeaderRetrievalService()).to.throw(
      IllegalLeaderServiceStateError,
      /shut down/,
    );
    leaderElection.confirmLeadership(leader.grants[0]!, 'late');
    leaderElection.stop();
    executor.triggerAll();
    expect(listener.leaders).to.deep.equal([]);
    for (const call of [() => service.revokeLeadership(), () => service.grantLeadership()]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(LeaderServiceShutdownError);
    }
  });
});
