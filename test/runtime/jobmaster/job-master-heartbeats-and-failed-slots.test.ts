// What keeps a registered TaskExecutor at the JobMaster, and what ends it:
// heartbeat requests carry the slots the JobMaster holds there, a TaskExecutor
// that falls silent is disconnected and its tasks fail, and a TaskExecutor left
// without slots for the job is let go. Ports JobMasterTest behaviours 99 and 100
// of reference/flink-runtime.md §4.

import { expect } from 'chai';

import { RecipientUnreachableError } from '../../../src/rpc/errors.js';
import { ExecutionLostError, JobMasterError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import type { AllocatedSlotReport } from '../../../src/runtime/types/heartbeat-payloads.js';
import { AllocationID, ResourceID } from '../../../src/runtime/types/ids.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import {
  callsOf,
  TestingJobMasterBuilder,
  kHeartbeatInterval,
  kHeartbeatTimeout,
} from './testing-job-master-builder.js';

describe('JobMaster: heartbeats with TaskExecutors and failed slots', () => {
  const service = useRpcService();
  let h: TestingJobMasterBuilder;
  beforeEach(async () => {
    // With a restart left, a lost task does not end the job, so the job's own disconnects stay out of the way.
    h = new TestingJobMasterBuilder(service.rpc, { tasks: 2, restart: { attempts: 1, delayMs: 1000 } });
    await h.start();
  });

  it('answers a registration with a Failure when it cannot connect to the TaskExecutor', async () => {
    const nowhere = `${h.jobMaster.getAddress().replace(/\/[^/]*$/, '')}/no-such-taskexecutor`;

    const response = await h.register(nowhere, ResourceID.of('te'));

    expect(response.kind).to.equal('failure');
    expect(response).to.have.property('reason').that.includes('no-such-taskexecutor');
  });

  it('requests heartbeats from a registered TaskExecutor with the slots it holds there (testTaskManagerRegistrationTriggersHeartbeating)', async () => {
    const { taskExecutor, accepted } = await h.registerTaskExecutor(2);

    h.manual.triggerAll();
    await eventually(() => callsOf(taskExecutor, 'heartbeatFromJobManager').length === 1, 'a heartbeat');
    const [origin, report] = callsOf(taskExecutor, 'heartbeatFromJobManager')[0] as [
      ResourceID,
      AllocatedSlotReport,
    ];
    expect(origin).to.equal(h.resourceId);
    expect(report.jobId).to.equal(h.jobId);
    expect(report.allocatedSlotInfos).to.have.deep.members(
      accepted.map(({ slotIndex, allocationId }) => ({ slotIndex, allocationId })),
    );

    h.manual.advance(kHeartbeatInterval);
    await eventually(
      () => callsOf(taskExecutor, 'heartbeatFromJobManager').length === 2,
      'the next heartbeat',
    );
  });

  it('disconnects a TaskExecutor whose heartbeats time out and fails its tasks (testHeartbeatTimeoutWithTaskManager)', async () => {
    const { taskExecutor } = await h.registerTaskExecutor(2);
    const tdds = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of tdds) await h.report(tdd, 'RUNNING');

    h.manual.advance(kHeartbeatTimeout);

    await eventually(() => callsOf(taskExecutor, 'disconnectJobManager').length === 1, 'the disconnect');
    const [jobId, cause] = callsOf(taskExecutor, 'disconnectJobManager')[0] as [string, Error];
    expect(jobId).to.equal(h.jobId);
    expect(cause).to.be.instanceOf(JobMasterError);
    expect(cause.message).to.equal('Heartbeat of TaskManager with id te-0 timed out.');
    await eventually(
      () => h.taskChanges.filter((c) => c.state === 'FAILED').length === 2,
      'both tasks failed',
    );
    for (const failure of h.taskChanges.filter((c) => c.state === 'FAILED')) {
      expect(failure.error).to.be.instanceOf(ExecutionLostError);
      expect(failure.resourceId).to.equal('te-0');
    }
  });

  it('disconnects a TaskExecutor that becomes unreachable (testTaskManagerBecomesUnreachableTriggersDisconnect)', async () => {
    const { taskExecutor } = await h.registerTaskExecutor(1, {
      heartbeatFromJobManager: () =>
        Promise.reject(new RecipientUnreachableError('The TaskExecutor is gone.')),
    });

    h.manual.triggerAll();
    await eventually(
      () => callsOf(taskExecutor, 'heartbeatFromJobManager').length === 1,
      'the first heartbeat',
    );
    await drain();
    h.manual.advance(kHeartbeatInterval);

    await eventually(() => callsOf(taskExecutor, 'disconnectJobManager').length === 1, 'the disconnect');
    const [, cause] = callsOf(taskExecutor, 'disconnectJobManager')[0] as [string, Error];
    expect(cause.message).to.equal('TaskManager with id te-0 is no longer reachable.');
  });

  it('keeps a TaskExecutor that answers its heartbeats past the timeout', async () => {
    const { taskExecutor, resourceId } = await h.registerTaskExecutor(2);
    const tdds = await h.awaitSubmissions(taskExecutor, 2);
    for (const tdd of tdds) await h.report(tdd, 'RUNNING');
    const executionDeploymentReport = tdds.map((tdd) => tdd.executionId);

    await h.advanceWithHeartbeats(resourceId, executionDeploymentReport, 2 * kHeartbeatTimeout);
    await drain();

    expect(callsOf(taskExecutor, 'disconnectJobManager')).to.have.lengthOf(0);
    expect(h.statesOf(0).at(-1)).to.equal('RUNNING');
    expect(h.statesOf(1).at(-1)).to.equal('RUNNING');
  });

  it('lets a TaskExecutor go when its last slot fails (testReleasingTaskExecutorIfNoMoreSlotsRegistered)', async () => {
    const { taskExecutor, resourceId, accepted } = await h.registerTaskExecutor(1);

    await h.gateway.failSlot(resourceId, accepted[0]!.allocationId, new Error('slot is gone'));

    await eventually(() => callsOf(taskExecutor, 'disconnectJobManager').length === 1, 'the disconnect');
    const [, cause] = callsOf(taskExecutor, 'disconnectJobManager')[0] as [string, Error];
    expect(cause.message).to.equal(`No more slots registered at JobMaster ${h.resourceId}.`);
    // The TaskExecutor is no longer registered: its offers are refused.
    const error = await h.offer(resourceId, accepted).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(JobMasterError);
  });

  it('keeps a TaskExecutor that still has slots for the job when one fails, and fails the task in it', async () => {
    const { taskExecutor, resourceId, accepted } = await h.registerTaskExecutor(2);
    const tdds = await h.awaitSubmissions(taskExecutor, 2);
    const failed = tdds.find((tdd) => tdd.allocationId === accepted[0]!.allocationId)!;
    await h.report(failed, 'RUNNING');

    await h.gateway.failSlot(resourceId, failed.allocationId, new Error('slot is gone'));

    await eventually(() => h.statesOf(failed.taskIndex).includes('FAILED'), 'the failed task');
    await drain();
    expect(callsOf(taskExecutor, 'disconnectJobManager')).to.have.lengthOf(0);
    const failure = h.taskChanges.find((c) => c.state === 'FAILED');
    expect(failure?.error).to.be.instanceOf(ExecutionLostError);
    expect((failure?.error?.cause as Error).message).to.equal('slot is gone');
  });

  it('ignores failSlot from a TaskExecutor it does not know', async () => {
    const { taskExecutor } = await h.registerTaskExecutor(1);

    await h.gateway.failSlot(ResourceID.of('stranger'), AllocationID.generate(), new Error('whatever'));
    await drain();

    expect(callsOf(taskExecutor, 'disconnectJobManager')).to.have.lengthOf(0);
    expect(h.jobMaster.getJobStatus()).to.equal('RUNNING');
  });
});
