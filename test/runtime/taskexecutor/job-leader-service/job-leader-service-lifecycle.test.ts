// The JobLeaderService's states, CREATED → STARTED → STOPPED, as in Flink's
// DefaultJobLeaderService: calls in the wrong state fail with a clear error, and
// stop() stops following every job.

import { expect } from 'chai';
import { RetryingRegistrationConfiguration } from '../../../../src/runtime/configuration/retrying-registration-configuration.js';
import { DefaultJobLeaderService } from '../../../../src/runtime/taskexecutor/default-job-leader-service.js';
import { IllegalJobLeaderServiceStateError } from '../../../../src/runtime/taskexecutor/job-leader-service.js';
import { JobID, JobMasterId, ResourceID } from '../../../../src/runtime/types/ids.js';
import { ManualExecutor } from '../../../support/manual-executor.js';
import { ScriptedRpcService, settle } from '../../registration/testing-registration.js';
import {
  ManualJobMasterGateway,
  RecordingJobLeaderListener,
  SettableLeaderRetrievalService,
  TestingHaServices,
} from './testing-job-leader.js';

describe('DefaultJobLeaderService lifecycle', () => {
  const jobMasterId = JobMasterId.generate();
  let executor: ManualExecutor;
  let rpc: ScriptedRpcService;
  let listener: RecordingJobLeaderListener;
  let jobLeaderService: DefaultJobLeaderService;

  beforeEach(() => {
    executor = new ManualExecutor();
    rpc = new ScriptedRpcService(new ManualJobMasterGateway('jm', jobMasterId));
    listener = new RecordingJobLeaderListener();
    jobLeaderService = new DefaultJobLeaderService(
      { resourceId: ResourceID.of('te') },
      RetryingRegistrationConfiguration.defaultConfiguration(),
      executor,
    );
  });

  function start(...retrievals: SettableLeaderRetrievalService[]): TestingHaServices {
    const ha = new TestingHaServices(...retrievals);
    jobLeaderService.start('te-address', rpc, ha, listener);
    return ha;
  }

  it('refuses addJob, removeJob and containsJob before start()', () => {
    const jobId = JobID.generate();
    for (const call of [
      () => jobLeaderService.addJob(jobId, 'a'),
      () => jobLeaderService.removeJob(jobId),
      () => jobLeaderService.containsJob(jobId),
    ]) {
      expect(call).to.throw(IllegalJobLeaderServiceStateError, 'currently not running (CREATED)');
    }
  });

  it('refuses a second start()', () => {
    start(new SettableLeaderRetrievalService());
    const error = (() => {
      try {
        start(new SettableLeaderRetrievalService());
      } catch (e) {
        return e as IllegalJobLeaderServiceStateError;
      }
    })();
    expect(error).to.be.instanceOf(IllegalJobLeaderServiceStateError);
    expect(error!.code).to.equal('ERR_JOB_LEADER_SERVICE_STATE');
    jobLeaderService.stop();
  });

  it('refuses start() and addJob after stop()', () => {
    start(new SettableLeaderRetrievalService());
    jobLeaderService.stop();
    expect(() => start(new SettableLeaderRetrievalService())).to.throw(
      IllegalJobLeaderServiceStateError,
      'STOPPED',
    );
    expect(() => jobLeaderService.addJob(JobID.generate(), 'a')).to.throw(
      IllegalJobLeaderServiceStateError,
      'currently not running (STOPPED)',
    );
  });

  it('asks the HA services for the job’s leader retrieval with the default address, and starts it', () => {
    const retrieval = new SettableLeaderRetrievalService();
    const ha = start(retrieval);
    const jobId = JobID.generate();
    jobLeaderService.addJob(jobId, 'default-address');

    expect(ha.requests).to.deep.equal([{ jobId, defaultAddress: 'default-address' }]);
    expect(retrieval.started).to.equal(true);
    expect(jobLeaderService.containsJob(jobId)).to.equal(true);
    jobLeaderService.stop();
  });

  it('stops every job’s retrieval and connection on stop(), even when one retrieval fails to stop', async () => {
    const failing = new SettableLeaderRetrievalService(true);
    const other = new SettableLeaderRetrievalService();
    start(failing, other);
    jobLeaderService.addJob(JobID.generate(), 'a');
    jobLeaderService.addJob(JobID.generate(), 'b');
    failing.notifyListener('jm', jobMasterId);
    await settle();
    expect(executor.pendingCount, 'the registration is under way').to.be.greaterThan(0);

    jobLeaderService.stop();
    failing.notifyListener('jm', JobMasterId.generate());

    expect(failing.stopped && other.stopped).to.equal(true);
    expect(executor.pendingCount, 'the registration was cancelled').to.equal(0);
    expect(rpc.connects).to.have.length(1);
  });

  it('replaces the retrieval of a job that is added again, stopping the old one', () => {
    const first = new SettableLeaderRetrievalService();
    const second = new SettableLeaderRetrievalService();
    start(first, second);
    const jobId = JobID.generate();
    jobLeaderService.addJob(jobId, 'a');
    jobLeaderService.addJob(jobId, 'a');

    expect(first.stopped).to.equal(true);
    expect(second.started && !second.stopped).to.equal(true);
    expect(jobLeaderService.containsJob(jobId)).to.equal(true);
    jobLeaderService.stop();
  });

  it('does not keep a job whose leader retrieval fails to start', () => {
    const broken = new SettableLeaderRetrievalService();
    broken.start = () => {
      throw new Error('cannot watch the leader');
    };
    start(broken);
    const jobId = JobID.generate();

    expect(() => jobLeaderService.addJob(jobId, 'a')).to.throw('cannot watch the leader');
    expect(jobLeaderService.containsJob(jobId)).to.equal(false);
    jobLeaderService.stop();
  });

  it('ignores reconnect for a job it does not follow', () => {
    start(new SettableLeaderRetrievalService());
    expect(() => jobLeaderService.reconnect(JobID.generate())).to.not.throw();
    expect(rpc.connects).to.have.length(0);
    jobLeaderService.stop();
  });
});
