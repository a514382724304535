// Ports Flink's StandaloneHaServicesTest: fixed addresses, DEFAULT_LEADER_ID for
// every leader, and synchronous notification; plus the standalone services' rules.

import { expect } from 'chai';
import { IllegalLeaderServiceStateError } from '../../../src/runtime/highavailability/errors.js';
import { DEFAULT_LEADER_ID } from '../../../src/runtime/highavailability/leader-ids.js';
import { StandaloneHaServices } from '../../../src/runtime/highavailability/standalone-ha-services.js';
import { StandaloneLeaderRetrievalService } from '../../../src/runtime/highavailability/standalone-leader-retrieval-service.js';
import { RecordingLeaderContender, RecordingLeaderListener } from './testing-leader.js';

const kResourceManagerAddress = 'resourceManager';

describe('StandaloneHaServices', () => {
  let services: StandaloneHaServices;

  beforeEach(() => {
    services = new StandaloneHaServices(kResourceManagerAddress);
  });
  afterEach(() => services.closeAsync());

  it('uses the all-zero UUID as the default leader id', () => {
    expect(DEFAULT_LEADER_ID).to.equal('00000000-0000-0000-0000-000000000000');
  });

  it('grants every contender leadership at once under DEFAULT_LEADER_ID', () => {
    const jm = new RecordingLeaderContender();
    const rm = new RecordingLeaderContender();
    const jmElection = services.getJobManagerLeaderElectionService('job-1');
    const rmElection = services.getResourceManagerLeaderElectionService();

    jmElection.start(jm);
    rmElection.start(rm);
    expect(jm.grants).to.deep.equal([DEFAULT_LEADER_ID]);
    expect(rm.grants).to.deep.equal([DEFAULT_LEADER_ID]);
    expect(rmElection.hasLeadership(DEFAULT_LEADER_ID)).to.equal(true);
    expect(rmElection.hasLeadership('another-session')).to.equal(false);

    rmElection.stop();
    expect(rm.events.map((e) => e[0])).to.deep.equal(['grant', 'revoke']);
    expect(rmElection.hasLeadership(DEFAULT_LEADER_ID)).to.equal(false);
  });

  it('reports the configured ResourceManager address under DEFAULT_LEADER_ID, synchronously', () => {
    const listener = new RecordingLeaderListener();
    services.getResourceManagerLeaderRetriever().start(listener);
    expect(listener.leaders).to.deep.equal([[kResourceManagerAddress, DEFAULT_LEADER_ID]]);
  });

  it('reports each job its given JobMaster address under DEFAULT_LEADER_ID', () => {
    const first = new RecordingLeaderListener();
    const second = new RecordingLeaderListener();
    services.getJobManagerLeaderRetriever('job-1', 'foobar').start(first);
    services.getJobManagerLeaderRetriever('job-2', 'barfoo').start(second);
    expect(first.leaders).to.deep.equal([['foobar', DEFAULT_LEADER_ID]]);
    expect(second.leaders).to.deep.equal([['barfoo', DEFAULT_LEADER_ID]]);
  });

  it('refuses to hand out services after it was closed', async () => {
    await services.closeAsync();
    expect(() => services.getResourceManagerLeaderRetriever()).to.throw(
      IllegalLeaderServiceStateError,
      /shut down/,
    );
    expect(() => services.getJobManagerLeaderElectionService('job')).to.throw(IllegalLeaderServiceStateError);
  });
});

describe('StandaloneLeaderRetrievalService', () => {
  it('can be started only once while running, and again after stop()', () => {
    const retrieval = new StandaloneLeaderRetrievalService('address', 'session');
    const listener = new RecordingLeaderListener();
    retrieval.start(listener);
    expect(() => retrieval.start(listener)).to.throw(IllegalLeaderServiceStateError, /only be used once/);
    expect(listener.leaders).to.deep.equal([['address', 'session']]);

    retrieval.stop();
    retrieval.start(listener);
    expect(listener.leaders).to.have.length(2);
  });

  it('defaults the leader id to DEFAULT_LEADER_ID', () => {
    const listener = new RecordingLeaderListener();
    new StandaloneLeaderRetrievalService('address').start(listener);
    expect(listener.leaders).to.deep.equal([['address', DEFAULT_LEADER_ID]]);
  });
});
