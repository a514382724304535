// What stopping a JobMaster does to its job: a running job is SUSPENDED (not
// over: the next leader runs it again), its tasks and slots are let go, the
// ResourceManager is told, and the result rejects; a job that already ended keeps
// its result; a JobMaster that cannot start rejects its result at once. After
// Flink's JobMaster.onStop / stopJobExecution and
// JobMasterTest.testJobMasterOnlyTerminatesAfterTheSchedulerHasClosed.

import { expect } from 'chai';

import { JobMasterError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { eventually } from '../../support/eventually.js';
import { outcomeOf } from './outcome.js';
import { useRpcService } from '../../support/paths.js';
import { callsOf, TestingJobMasterBuilder } from './testing-job-master-builder.js';

describe('JobMaster: stopping', () => {
  const service = useRpcService();

  it('suspends a running job: cancels its tasks, frees its slots, tells the ResourceManager and rejects the result', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the registration');
    const { taskExecutor, accepted } = await h.registerTaskExecutor(2);
    const tdds = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of tdds) await h.report(tdd, 'RUNNING');

    await h.jobMaster.closeAsync();

    expect(h.jobMaster.getJobStatus()).to.equal('SUSPENDED');
    const error = await h.jobMaster.getJobResultFuture().then(
      () => expect.fail('expected a rejection'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(JobMasterError);
    await eventually(() => callsOf(taskExecutor, 'freeSlot').length === 2, 'the freed slots');
    expect(callsOf(taskExecutor, 'freeSlot').map(([allocationId]) => allocationId)).to.have.members(
      accepted.map((offer) => offer.allocationId),
    );
    await eventually(() => callsOf(taskExecutor, 'cancelTask').length === 2, 'the cancelled tasks');
    expect(callsOf(taskExecutor, 'cancelTask').map(([executionId]) => executionId)).to.have.members(
      tdds.map((tdd) => tdd.executionId),
    );
    await eventually(
      () => callsOf(taskExecutor, 'disconnectJobManager').length === 1,
      'the TaskExecutor let go',
    );
    await eventually(() => rm.disconnections.length === 1, 'the ResourceManager told');
    expect(rm.disconnections[0]).to.include({ jobId: h.jobId, jobStatus: 'SUSPENDED' });
    expect(h.rmLeader.stopped).to.equal(true);
  });

  it('keeps the result of a job that ended before the JobMaster stopped', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);
    await h.finish(tdd!, 'done');
    const before = await h.jobMaster.getJobResultFuture();

    await h.jobMaster.closeAsync();

    expect(h.jobMaster.getJobStatus()).to.equal('FINISHED');
    expect(await h.jobMaster.getJobResultFuture()).to.equal(before);
    expect(callsOf(taskExecutor, 'freeSlot')).to.have.lengthOf(1);
    expect(callsOf(taskExecutor, 'disconnectJobManager')).to.have.lengthOf(1);
  });

  // Fails until JobMaster.onStart settles the result when it throws (see the report of brief H4).
  it('rejects its result when it cannot start, instead of leaving it pending', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    h.rmLeader.start = () => {
      throw new Error('leader retrieval is shut down');
    };
    h.jobMaster = h.createJobMaster();

    h.jobMaster.start();
    await h.jobMaster.getTerminationFuture().catch(() => {});

    const outcome = await outcomeOf(h.jobMaster.getJobResultFuture());
    expect(outcome.state).to.equal('rejected');
    expect(outcome.error).to.be.instanceOf(JobMasterError);
    expect((outcome.error!.cause as Error).message).to.equal('leader retrieval is shut down');
  });
});
