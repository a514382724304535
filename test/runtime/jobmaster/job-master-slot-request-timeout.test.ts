// A job whose tasks wait for slots while it holds none fails after
// slot.request.timeout with a NoResourceAvailableError; one that holds a slot a
// task occupies for now only waits its turn. After Flink's
// PhysicalSlotRequestBulkCheckerImplTest (testBulkTimeoutOnCheck,
// testBulkPendingOnCheckIfUnfulfillableButNotTimedOut,
// testBulkFulfillableWithSlotOccupiedTemporarily).

import { expect } from 'chai';

import { FlinkError } from '../../../src/runtime/flink-error.js';
import {
  JobExecutionError,
  NoResourceAvailableError,
} from '../../../src/runtime/jobmaster/job-master-errors.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { outcomeOf } from './outcome.js';
import { TestingJobMasterBuilder } from './testing-job-master-builder.js';

const kTimeout = 10_000;

describe('JobMaster: slot.request.timeout', () => {
  const service = useRpcService();

  function builder(tasks = 1): TestingJobMasterBuilder {
    return new TestingJobMasterBuilder(service.rpc, {
      tasks,
      jobMasterConfiguration: { slotRequestTimeoutMs: kTimeout },
    });
  }

  it('fails the job with NoResourceAvailableError when no slot came within the timeout (testBulkTimeoutOnCheck)', async () => {
    const h = builder(2);
    await h.start();
    await drain();

    h.manual.advance(kTimeout - 1);
    await drain();
    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
    h.manual.advance(1);

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.status).to.equal('FAILED');
    expect(result.error).to.be.instanceOf(NoResourceAvailableError);
    expect(result.error).to.be.instanceOf(JobExecutionError);
    expect(result.error).to.have.property('code', 'ERR_NO_RESOURCE_AVAILABLE');
    expect(result.error!.message).to.match(
      /^Job 'jobmaster-test' \(\w+\) failed: no slots were available for its 2 waiting tasks within the slot request timeout of 10000 ms \(slot\.request\.timeout\)\./,
    );
    expect(h.jobStatuses).to.deep.equal(['RUNNING', 'FAILING', 'FAILED']);
  });

  it('lets a slot that arrives before the timeout stop the clock (testBulkPendingOnCheckIfUnfulfillableButNotTimedOut)', async () => {
    const h = builder();
    await h.start();
    await drain();
    h.manual.advance(kTimeout - 1);
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(tdd!, 'RUNNING');

    await h.advanceWithHeartbeats(resourceId, [tdd!.executionId], 2 * kTimeout);

    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
    await h.report(tdd!, 'FINISHED', { result: 'in time' });
    expect((await h.jobMaster.getJobResultFuture()).status).to.equal('FINISHED');
  });

  it('does not time out tasks that wait for a slot another task occupies for now (testBulkFulfillableWithSlotOccupiedTemporarily)', async () => {
    const h = builder(3);
    await h.start();
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(1);
    const [first] = await h.awaitSubmissions(taskExecutor, 1);
    await h.report(first!, 'RUNNING');

    await h.advanceWithHeartbeats(resourceId, [first!.executionId], 3 * kTimeout);

    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
    expect(await outcomeOf(h.jobMaster.getJobResultFuture())).to.include({ state: 'pending' });
  });

  it('starts the clock when the job loses its last slot, and fails the job if none comes back', async () => {
    const h = builder();
    await h.start();
    const te = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(te.taskExecutor, 1);
    await h.report(tdd!, 'RUNNING');
    await h.advanceWithHeartbeats(te.resourceId, [tdd!.executionId], 2 * kTimeout);

    await h.gateway.disconnectTaskManager(te.resourceId, new FlinkError('TaskExecutor crashed.'));
    await eventually(() => h.statesOf(0).at(-1) === 'CREATED', 'the task to wait again');
    await drain();
    h.manual.advance(kTimeout - 1);
    await drain();
    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
    h.manual.advance(1);

    const result = await h.jobMaster.getJobResultFuture();
    expect(result.error).to.be.instanceOf(NoResourceAvailableError);
    expect(result.error!.message).to.include('for its 1 waiting task within');
  });

  it('ends the tasks that never got a slot CANCELED when the timeout fails the job', async () => {
    const h = builder(2);
    await h.start();
    await drain();

    h.manual.advance(kTimeout);
    await h.jobMaster.getJobResultFuture();

    expect(h.statesOf(0)).to.deep.equal(['CREATED', 'CANCELED']);
    expect(h.statesOf(1)).to.deep.equal(['CREATED', 'CANCELED']);
  });

  it('is stopped when the job is cancelled', async () => {
    const h = builder();
    await h.start();
    await drain();
    await h.jobMaster.cancel();
    const result = await h.jobMaster.getJobResultFuture();

    h.manual.advance(kTimeout);
    await drain();

    expect(result.status).to.equal('CANCELED');
    expect(h.jobStatuses).to.deep.equal(['RUNNING', 'CANCELLING', 'CANCELED']);
  });
});
