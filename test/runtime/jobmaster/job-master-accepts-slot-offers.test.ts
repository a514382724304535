// Which slot offers the JobMaster accepts: only from registered TaskExecutors,
// only as many as the job's unfinished tasks need (a slot it already holds is
// accepted again), also while a failed task waits for its restart, and none once
// the job is ending. The JobMaster's side of the TaskExecutor's slot offers;
// after JobMasterTest and DefaultDeclarativeSlotPoolTest.

import { expect } from 'chai';

import { JobMasterError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { ResourceID } from '../../../src/runtime/types/ids.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { callsOf, TestingJobMasterBuilder, slotOffers, submissionsTo } from './testing-job-master-builder.js';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('JobMaster: slot offers', () => {
  const service = useRpcService();

  it('rejects offers of a TaskExecutor that is not registered with a JobMasterError', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();

    const error = await rejectionOf(h.offer(ResourceID.of('stranger'), slotOffers(1)));

    expect(error).to.be.instanceOf(JobMasterError);
    expect((error as Error).message).to.equal('Unknown TaskManager stranger.');
  });

  it('accepts no more slots than the job has unfinished tasks (testOfferingTooManySlots)', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const offers = slotOffers(3);

    const { taskExecutor, resourceId } = await h.registerTaskExecutor(0);
    const accepted = await h.offer(resourceId, offers);

    expect(accepted).to.deep.equal(offers.slice(0, 2));
    await h.awaitSubmissions(taskExecutor, 2);
    const second = await h.offer(resourceId, slotOffers(1, 3));
    expect(second).to.deep.equal([]);
  });

  it('accepts a slot it already holds again, without deploying into it twice (testDuplicateSlotOfferings)', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const { taskExecutor, resourceId, accepted } = await h.registerTaskExecutor(1);
    await h.awaitSubmissions(taskExecutor, 1);

    const again = await h.offer(resourceId, accepted);

    expect(again).to.deep.equal(accepted);
    await drain();
    expect(submissionsTo(taskExecutor)).to.have.lengthOf(1);
  });

  it('does not accept a slot that another TaskExecutor offered first', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const first = await h.registerTaskExecutor(1);
    const second = await h.registerTaskExecutor(0);

    expect(await h.offer(second.resourceId, first.accepted)).to.deep.equal([]);
  });

  it('needs one slot less for every finished task', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(1);
    const [task0] = await h.awaitSubmissions(taskExecutor, 1);
    await h.finish(task0!, 'done');
    await h.awaitSubmissions(taskExecutor, 2);

    expect(await h.offer(resourceId, slotOffers(1, 1))).to.deep.equal([]);
  });

  it('accepts slots while a failed task waits for its restart (testJobMasterAcceptsSlotsWhenJobIsRestarting)', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { restart: { attempts: 1, delayMs: 1000 } });
    await h.start();
    const first = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(first.taskExecutor, 1);
    await h.report(tdd!, 'RUNNING');
    await h.gateway.failSlot(first.resourceId, first.accepted[0]!.allocationId, new Error('lost'));
    await eventually(() => h.statesOf(0).includes('FAILED'), 'the failed task');

    const second = await h.registerTaskExecutor(1);

    expect(second.accepted).to.have.lengthOf(1);
    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
    h.manual.advance(1000);
    const [retry] = await h.awaitSubmissions(second.taskExecutor, 1);
    expect(retry).to.include({ taskIndex: 0, attemptNumber: 1 });
  });

  it('accepts no slots while the job is being cancelled', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(1);
    await h.awaitSubmissions(taskExecutor, 1);
    await h.jobMaster.cancel();
    expect(h.jobMaster.getJobStatus()).to.equal('CANCELLING');

    const late = await h.registerTaskExecutor(0);

    expect(await h.offer(late.resourceId, slotOffers(1))).to.deep.equal([]);
  });

  it('refuses TaskExecutors and their slots once the job has ended', async () => {
    const h = new TestingJobMasterBuilder(service.rpc);
    await h.start();
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(1);
    const [tdd] = await h.awaitSubmissions(taskExecutor, 1);
    await h.finish(tdd!, 'done');
    await h.jobMaster.getJobResultFuture();

    expect(await rejectionOf(h.offer(resourceId, slotOffers(1)))).to.be.instanceOf(JobMasterError);
    const registration = await h.register(taskExecutor.getAddress(), resourceId, 'session-2');
    expect(registration.kind).to.equal('rejection');
    expect(callsOf(taskExecutor, 'disconnectJobManager')).to.have.lengthOf(1);
  });
});
