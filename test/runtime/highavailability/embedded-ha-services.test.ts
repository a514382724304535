// Ports Flink's EmbeddedHaServicesTest: one leader per ResourceManager and per job,
// retrieval sees the confirmed leader, and closing shuts every leader service down.

import { expect } from 'chai';
import { EmbeddedHaServices } from '../../../src/runtime/highavailability/embedded-ha-services.js';
import {
  IllegalLeaderServiceStateError,
  LeaderServiceShutdownError,
} from '../../../src/runtime/highavailability/errors.js';
import type { LeaderElectionService } from '../../../src/runtime/highavailability/leader-election.js';
import type { LeaderRetrievalService } from '../../../src/runtime/highavailability/leader-retrieval.js';
import { ManualExecutor } from '../../support/manual-executor.js';
import { RecordingLeaderContender, RecordingLeaderListener } from './testing-leader.js';

const kAddress = 'foobar';

describe('EmbeddedHaServices', () => {
  let executor: ManualExecutor;
  let services: EmbeddedHaServices;

  beforeEach(() => {
    executor = new ManualExecutor();
    services = new EmbeddedHaServices(executor);
  });
  afterEach(async () => {
    await services.closeAsync();
    executor.triggerAll();
  });

  function runLeaderRetrievalTest(election: LeaderElectionService, retrieval: LeaderRetrievalService): void {
    const listener = new RecordingLeaderListener();
    const contender = new RecordingLeaderContender();
    retrieval.start(listener);
    election.start(contender);
    executor.triggerAll();
    const sessionId = contender.grants[0]!;

    election.confirmLeadership(sessionId, kAddress);
    executor.triggerAll();
    expect(listener.leaders).to.deep.equal([[kAddress, sessionId]]);
  }

  it('elects exactly one JobManager per job id', () => {
    const first = new RecordingLeaderContender();
    const second = new RecordingLeaderContender();
    const otherJob = new RecordingLeaderContender();
    services.getJobManagerLeaderElectionService('job-1').start(first);
    services.getJobManagerLeaderElectionService('job-1').start(second);
    services.getJobManagerLeaderElectionService('job-2').start(otherJob);
    executor.triggerAll();

    expect(first.grants.length + second.grants.length).to.equal(1);
    expect(otherJob.grants).to.have.length(1);
  });

  it('elects exactly one ResourceManager', () => {
    const first = new RecordingLeaderContender();
    const second = new RecordingLeaderContender();
    services.getResourceManagerLeaderElectionService().start(first);
    services.getResourceManagerLeaderElectionService().start(second);
    executor.triggerAll();
    expect(first.grants.length + second.grants.length).to.equal(1);
  });

  it("lets a job's retriever see the JobManager leader once it confirms, ignoring the default address", () => {
    runLeaderRetrievalTest(
      services.getJobManagerLeaderElectionService('job'),
      services.getJobManagerLeaderRetriever('job', 'default-address'),
    );
  });

  it('lets the ResourceManager retriever see the ResourceManager leader once it confirms', () => {
    runLeaderRetrievalTest(
      services.getResourceManagerLeaderElectionService(),
      services.getResourceManagerLeaderRetriever(),
    );
  });

  it('keeps the ResourceManager and job leaders apart', () => {
    const rmListener = new RecordingLeaderListener();
    services.getResourceManagerLeaderRetriever().start(rmListener);
    const jobElection = services.getJobManagerLeaderElectionService('job');
    const jobContender = new RecordingLeaderContender();
    jobContender.onGrant = (id) => jobElection.confirmLeadership(id, 'jobmaster');
    jobElection.start(jobContender);
    executor.triggerAll();
    expect(rmListener.leaders).to.deep.equal([]);
  });

  it('shuts down every leader service on close and refuses further use', async () => {
    const rmContender = new RecordingLeaderContender();
    const jobListener = new RecordingLeaderListener();
    services.getResourceManagerLeaderElectionService().start(rmContender);
    services.getJobManagerLeaderRetriever('job', 'unused').start(jobListener);
    const rmService = services.getResourceManagerLeaderService();
    const jobService = services.getJobManagerLeaderService('job');

    await services.closeAsync();
    expect(rmService.isShutdown()).to.equal(true);
    expect(jobService.isShutdown()).to.equal(true);
    expect(rmContender.errors[0]).to.be.instanceOf(LeaderServiceShutdownError);
    expect(jobListener.errors[0]).to.be.instanceOf(LeaderServiceShutdownError);
    expect(() => services.getJobManagerLeaderRetriever('job', 'x')).to.throw(IllegalLeaderServiceStateError);
    executor.triggerAll();
    expect(rmContender.grants, 'the grant queued before close is dropped').to.deep.equal([]);
  });
});
