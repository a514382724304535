// Ports Flink's DefaultJobLeaderServiceTest against a real TestingJobMaster, on
// the same thread and in a worker. Leaders are announced by hand through a
// settable leader retrieval; registrations run on the RpcService's executor.

import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { RetryingRegistrationConfiguration } from '../../../../src/runtime/configuration/retrying-registration-configuration.js';
import { DefaultLeaderRetrievalService } from '../../../../src/runtime/highavailability/default-leader-retrieval-service.js';
import type { LeaderInformation } from '../../../../src/runtime/highavailability/leader-retrieval-driver.js';
import { DefaultJobLeaderService } from '../../../../src/runtime/taskexecutor/default-job-leader-service.js';
import { JobID, JobMasterId, ResourceID } from '../../../../src/runtime/types/ids.js';
import { RegistrationResponse } from '../../../../src/runtime/types/registration-response.js';
import { kTestingJobMasterResourceId } from '../../../fixtures/testing-job-master.js';
import { kPaths, useRpcService } from '../../../support/paths.js';
import {
  jobMasterCalls,
  registeredJobs,
  RecordingJobLeaderListener,
  RecordingRpcService,
  SettableLeaderRetrievalService,
  startJobMaster,
  TestingHaServices,
} from './testing-job-leader.js';

const kOwnerAddress = 'node://flink@thread-0/user/rpc/taskmanager_0';
const kResourceId = ResourceID.of('task-executor');
const kSession = 'task-manager-session';
// Long timeouts: every registration is a real round trip, and none of them may time out.
const kConfig = RetryingRegistrationConfiguration.of({
  initialRegistrationTimeoutMs: 5000,
  maxRegistrationTimeoutMs: 10_000,
  errorDelayMs: 10_000,
  refusedDelayMs: 10_000,
});

describe('DefaultJobLeaderService', () => {
  const service = useRpcService();
  let jobLeaderService: DefaultJobLeaderService;
  let listener: RecordingJobLeaderListener;
  let rpc: RecordingRpcService;

  beforeEach(() => {
    listener = new RecordingJobLeaderListener();
    rpc = new RecordingRpcService(service.rpc);
    jobLeaderService = new DefaultJobLeaderService(
      { resourceId: kResourceId, taskManagerSession: kSession },
      kConfig,
      service.rpc.getScheduledExecutor(),
    );
  });
  afterEach(() => jobLeaderService.stop());

  function startService(ha: TestingHaServices): void {
    jobLeaderService.start(kOwnerAddress, rpc, ha, listener);
  }

  for (const path of kPaths) {
    describe(path, () => {
      it('registers at the announced leader with its own address, ResourceID and session, fenced by the JobMasterId', async () => {
        const retrieval = new SettableLeaderRetrievalService();
        startService(new TestingHaServices(retrieval));
        const jobId = JobID.generate();
        const jobMasterId = JobMasterId.generate();
        const address = await startJobMaster(service.rpc, path, { jobMasterId });
        jobLeaderService.addJob(jobId, 'default-address');

        retrieval.notifyListener(address, jobMasterId);
        const [, gainedJob, gateway, success] = await listener.nth('gained', 1);

        expect(gainedJob).to.equal(jobId);
        expect(gateway.getAddress()).to.equal(address);
        expect(gateway.getFencingToken()).to.equal(jobMasterId);
        expect(success).to.deep.equal(RegistrationResponse.jmtmSuccess(kTestingJobMasterResourceId));
        expect(rpc.connects).to.deep.equal([{ address, fencingToken: jobMasterId }]);
        expect(await jobMasterCalls(service.rpc, address, jobMasterId)).to.deep.equal([
          {
            method: 'registerTaskManager',
            args: [
              jobId,
              { taskManagerRpcAddress: kOwnerAddress, resourceId: kResourceId, taskManagerSession: kSession },
              kConfig.initialRegistrationTimeoutMs,
            ],
          },
        ]);
      });

      // handlesConcurrentJobAdditionsAndLeaderChanges (FLINK-16373)
      it('copes with jobs added and removed around leader announcements, and reports nothing for removed jobs', async () => {
        const retrievals = Array.from({ length: 21 }, () => new SettableLeaderRetrievalService());
        const ha = new TestingHaServices(...retrievals);
        startService(ha);
        const jobMasterId = JobMasterId.generate();
        const address = await startJobMaster(service.rpc, path, { jobMasterId });

        const removed: JobID[] = [];
        for (let i = 0; i < 20; i++) {
          const jobId = JobID.generate();
          jobLeaderService.addJob(jobId, 'foobar');
          // Half the leaders arrive while the job is followed, half after it was removed.
          if (i % 2 === 0) retrievals[i]!.notifyListener(address, jobMasterId);
          jobLeaderService.removeJob(jobId);
          if (i % 2 === 1) retrievals[i]!.notifyListener(address, jobMasterId);
          removed.push(jobId);
        }
        // A job that stays: once its leadership arrives, anything the removed jobs had started would have too.
        const kept = JobID.generate();
        jobLeaderService.addJob(kept, 'foobar');
        retrievals[20]!.notifyListener(address, jobMasterId);
        await listener.nth('gained', 1);

        expect(listener.events.map((e) => [e[0], e[1]])).to.deep.equal([['gained', kept]]);
        expect(removed.some((jobId) => jobLeaderService.containsJob(jobId))).to.equal(false);
        expect(retrievals.slice(0, 20).every((r) => r.stopped)).to.equal(true);
        expect(registeredJobs(await jobMasterCalls(service.rpc, address, jobMasterId))).to.deep.equal([kept]);
      });

      // threadlink's own: the slot request names the JobMaster and its JobMasterId.
      it('registers at the leader the slot request named before its retrieval answers, and not again when the retrieval names the same', async () => {
        const retrieval = new SettableLeaderRetrievalService();
        const barrierRetrieval = new SettableLeaderRetrievalService();
        startService(new TestingHaServices(retrieval, barrierRetrieval));
        const jobId = JobID.generate();
        const jobMasterId = JobMasterId.generate();
        const address = await startJobMaster(service.rpc, path, { jobMasterId });
        jobLeaderService.addJob(jobId, address, jobMasterId);

        const [, gainedJob, gateway] = await listener.nth('gained', 1);
        expect(gainedJob).to.equal(jobId);
        expect(gateway.getFencingToken()).to.equal(jobMasterId);
        expect(retrieval.started, 'the retrieval still follows the job').to.equal(true);

        retrieval.notifyListener(address, jobMasterId);
        // A second job registers after that announcement: a second registration of
        // the first job, had the announcement started one, would reach the JobMaster before it.
        const barrier = JobID.generate();
        jobLeaderService.addJob(barrier, address, jobMasterId);
        await listener.nth('gained', 2);
        expect(registeredJobs(await jobMasterCalls(service.rpc, address, jobMasterId))).to.deep.equal([
          jobId,
          barrier,
        ]);
        expect(listener.of('lost')).to.deep.equal([]);
      });

      it('ends the registration at the leader the slot request named when its retrieval first reports no leader', async () => {
        let report: ((info: LeaderInformation) => void) | undefined;
        const retrieval = new DefaultLeaderRetrievalService({
          createLeaderRetrievalDriver: (handler) => {
            report = (info) => handler.notifyLeaderAddress(info);
            return { close: () => undefined };
          },
        });
        startService(new TestingHaServices(retrieval));
        const jobId = JobID.generate();
        const jobMasterId = JobMasterId.generate();
        const address = await startJobMaster(service.rpc, path, { jobMasterId });
        jobLeaderService.addJob(jobId, address, jobMasterId);
        await listener.nth('gained', 1);

        // The request was stale: the job has no leader any more (ZooKeeper: no node).
        report!({ leaderAddress: null, leaderSessionId: null });

        expect(await listener.nth('lost', 1)).to.deep.equal(['lost', jobId, jobMasterId]);
      });

      it('moves from the leader the slot request named to the one its retrieval names instead', async () => {
        const retrieval = new SettableLeaderRetrievalService();
        startService(new TestingHaServices(retrieval));
        const jobId = JobID.generate();
        const staleId = JobMasterId.generate();
        const staleAddress = await startJobMaster(service.rpc, path, { jobMasterId: staleId });
        const leaderId = JobMasterId.generate();
        const leaderAddress = await startJobMaster(service.rpc, path, { jobMasterId: leaderId });
        jobLeaderService.addJob(jobId, staleAddress, staleId);

        retrieval.notifyListener(leaderAddress, leaderId);

        const [, gainedJob, gateway] = await listener.nth('gained', 1);
        expect(gainedJob).to.equal(jobId);
        expect(gateway.getAddress()).to.equal(leaderAddress);
        expect(gateway.getFencingToken()).to.equal(leaderId);
        expect(rpc.connects.at(-1)).to.deep.equal({ address: leaderAddress, fencingToken: leaderId });
        expect(registeredJobs(await jobMasterCalls(service.rpc, leaderAddress, leaderId))).to.deep.equal([
          jobId,
        ]);
      });

      // doesNotReconnectAfterTargetLostLeadership (FLINK-16836)
      it('does not reconnect after the leader was lost', async () => {
        const retrieval = new SettableLeaderRetrievalService();
        startService(new TestingHaServices(retrieval));
        const jobId = JobID.generate();
        const jobMasterId = JobMasterId.generate();
        const address = await startJobMaster(service.rpc, path, { jobMasterId });
        jobLeaderService.addJob(jobId, address);

        retrieval.notifyListener(address, jobMasterId);
        await listener.nth('gained', 1);
        retrieval.notifyListener(null, null);
        expect(await listener.nth('lost', 1)).to.deep.equal(['lost', jobId, jobMasterId]);

        jobLeaderService.reconnect(jobId);
        expect(rpc.connects).to.have.length(1);
      });

      // canReconnectToOldLeaderWithSameLeaderAddress (FLINK-14316)
      it('registers again at the old leader when it comes back with the same address and session', async () => {
        const retrieval = new SettableLeaderRetrievalService();
        startService(new TestingHaServices(retrieval));
        const jobId = JobID.generate();
        const jobMasterId = JobMasterId.generate();
        const address = await startJobMaster(service.rpc, path, { jobMasterId });
        jobLeaderService.addJob(jobId, address);

        retrieval.notifyListener(address, jobMasterId);
        expect((await listener.nth('gained', 1))[1]).to.equal(jobId);
        retrieval.notifyListener(null, null);
        await listener.nth('lost', 1);
        retrieval.notifyListener(address, jobMasterId);

        expect((await listener.nth('gained', 2))[1]).to.equal(jobId);
        const calls = await jobMasterCalls(service.rpc, address, jobMasterId);
        expect(registeredJobs(calls)).to.deep.equal([jobId, jobId]);
      });

      // rejectedJobManagerRegistrationCallsJobLeaderListener
      it('tells the listener when the JobMaster rejects the registration', async () => {
        const retrieval = new SettableLeaderRetrievalService();
        startService(new TestingHaServices(retrieval));
        const jobId = JobID.generate();
        const jobMasterId = JobMasterId.generate();
        const address = await startJobMaster(service.rpc, path, {
          jobMasterId,
          rejectRegistration: 'foobar',
        });
        jobLeaderService.addJob(jobId, 'foobar');

        retrieval.notifyListener(address, jobMasterId);

        expect(await listener.nth('rejected', 1)).to.deep.equal([
          'rejected',
          jobId,
          address,
          RegistrationResponse.rejection('foobar'),
        ]);
        expect(listener.of('gained')).to.deep.equal([]);
      });
    });
  }

  // removeJobWithFailingLeaderRetrievalServiceStopWillStopListeningToLeaderNotifications
  it('stops listening to leader notifications on removeJob even when the retrieval fails to stop', () => {
    const retrieval = new SettableLeaderRetrievalService(true);
    startService(new TestingHaServices(retrieval));
    const jobId = JobID.generate();
    jobLeaderService.addJob(jobId, 'foobar');

    expect(() => jobLeaderService.removeJob(jobId)).to.not.throw();
    retrieval.notifyListener('node://flink@thread-0/user/rpc/jobmaster', randomUUID());

    expect(retrieval.stopped).to.equal(true);
    expect(rpc.connects).to.deep.equal([]);
    expect(jobLeaderService.containsJob(jobId)).to.equal(false);
  });
});
