// The JobLeaderService with EmbeddedHaServices, as in a MiniCluster: a JobMaster
// wins the job's election, confirms with its address, and the TaskExecutor side
// registers at it; a revoked leadership is reported as lost, and the next leader
// session is a new registration. HA notifications run on a ManualExecutor.

import { expect } from 'chai';
import { EmbeddedHaServices } from '../../../../src/runtime/highavailability/embedded-ha-services.js';
import type { LeaderElectionService } from '../../../../src/runtime/highavailability/leader-election.js';
import { RetryingRegistrationConfiguration } from '../../../../src/runtime/configuration/retrying-registration-configuration.js';
import { DefaultJobLeaderService } from '../../../../src/runtime/taskexecutor/default-job-leader-service.js';
import { JobID, JobMasterId, ResourceID } from '../../../../src/runtime/types/ids.js';
import { ManualExecutor } from '../../../support/manual-executor.js';
import { kPaths, useRpcService, type Path } from '../../../support/paths.js';
import { RecordingLeaderContender } from '../../highavailability/testing-leader.js';
import {
  jobMasterCalls,
  RecordingJobLeaderListener,
  registeredJobs,
  startJobMaster,
} from './testing-job-leader.js';

const kConfig = RetryingRegistrationConfiguration.of({
  initialRegistrationTimeoutMs: 5000,
  maxRegistrationTimeoutMs: 10_000,
  errorDelayMs: 10_000,
  refusedDelayMs: 10_000,
});

describe('DefaultJobLeaderService with EmbeddedHaServices', () => {
  const service = useRpcService();
  let haExecutor: ManualExecutor;
  let ha: EmbeddedHaServices;
  let jobLeaderService: DefaultJobLeaderService;
  let listener: RecordingJobLeaderListener;

  beforeEach(() => {
    haExecutor = new ManualExecutor();
    ha = new EmbeddedHaServices(haExecutor);
    listener = new RecordingJobLeaderListener();
    jobLeaderService = new DefaultJobLeaderService(
      { resourceId: ResourceID.of('task-executor') },
      kConfig,
      service.rpc.getScheduledExecutor(),
    );
    jobLeaderService.start('taskmanager-address', service.rpc, ha, listener);
  });
  afterEach(async () => {
    jobLeaderService.stop();
    await ha.closeAsync();
    haExecutor.triggerAll();
  });

  /** Elects a JobMaster for `jobId` whose fencing token is the granted session; returns its id and address. */
  async function electJobMaster(
    path: Path,
    election: LeaderElectionService,
    contender: RecordingLeaderContender,
    endpointId: string,
  ): Promise<{ jobMasterId: JobMasterId; address: string }> {
    haExecutor.triggerAll();
    const jobMasterId = JobMasterId.of(contender.grants.at(-1)!);
    const address = await startJobMaster(service.rpc, path, { jobMasterId, endpointId });
    election.confirmLeadership(jobMasterId, address);
    haExecutor.triggerAll();
    return { jobMasterId, address };
  }

  for (const path of kPaths) {
    describe(path, () => {
      it('registers at the elected JobMaster once it confirms its leadership', async () => {
        const jobId = JobID.generate();
        jobLeaderService.addJob(jobId, 'default-address');
        const election = ha.getJobManagerLeaderElectionService(jobId);
        const contender = new RecordingLeaderContender();
        election.start(contender);

        const { jobMasterId, address } = await electJobMaster(path, election, contender, 'jobmaster_1');
        const [, gainedJob, gateway] = await listener.nth('gained', 1);

        expect(gainedJob).to.equal(jobId);
        expect(gateway.getFencingToken()).to.equal(jobMasterId);
        expect(registeredJobs(await jobMasterCalls(service.rpc, address, jobMasterId))).to.deep.equal([
          jobId,
        ]);
      });

      it('reports the lost leader on revocation and registers at the next leader session', async () => {
        const jobId = JobID.generate();
        jobLeaderService.addJob(jobId, 'default-address');
        const election = ha.getJobManagerLeaderElectionService(jobId);
        const contender = new RecordingLeaderContender();
        election.start(contender);
        const first = await electJobMaster(path, election, contender, 'jobmaster_1');
        await listener.nth('gained', 1);

        // Revocation announces "no leader", then grants a new session to the same contender.
        void ha.getJobManagerLeaderService(jobId).revokeLeadership();
        haExecutor.triggerAll();
        expect(await listener.nth('lost', 1)).to.deep.equal(['lost', jobId, first.jobMasterId]);

        const second = await electJobMaster(path, election, contender, 'jobmaster_2');
        const [, , gateway] = await listener.nth('gained', 2);

        expect(second.jobMasterId).to.not.equal(first.jobMasterId);
        expect(gateway.getFencingToken()).to.equal(second.jobMasterId);
        expect(gateway.getAddress()).to.equal(second.address);
      });
    });
  }
});
