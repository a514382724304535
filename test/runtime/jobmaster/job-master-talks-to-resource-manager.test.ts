// The JobMaster's side of the ResourceManager: it registers at whichever
// ResourceManager leads, declares how many slots its unfinished tasks need (again
// whenever that changes and after every new registration), answers the
// ResourceManager's heartbeats, and registers again after a disconnect, a
// heartbeat timeout or a leader change. Ports JobMasterTest's
// ResourceManager cases and DeclarativeSlotPoolBridgeResourceDeclarationTest.

import { expect } from 'chai';

import { JobMasterError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { ResourceManagerId } from '../../../src/runtime/types/ids.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { TestingJobMasterBuilder, kHeartbeatTimeout } from './testing-job-master-builder.js';

describe('JobMaster: the ResourceManager connection', () => {
  const service = useRpcService();
  let h: TestingJobMasterBuilder;
  beforeEach(async () => {
    h = new TestingJobMasterBuilder(service.rpc, { tasks: 3, restart: { attempts: 1, delayMs: 0 } });
  });

  it('registers at the ResourceManager announced before it started (testResourceManagerConnectionAfterStart)', async () => {
    const rm = h.startResourceManager();

    await h.start();

    await eventually(() => rm.registrations.length === 1, 'the registration');
    expect(rm.registrations[0]).to.deep.equal({
      jobMasterId: h.jobMasterId,
      jobManagerResourceId: h.resourceId,
      jobManagerAddress: h.jobMaster.getAddress(),
      jobId: h.jobId,
    });
  });

  it('declares one slot per unfinished task, fenced by its JobMasterId', async () => {
    await h.start();

    const rm = h.startResourceManager();

    await eventually(() => rm.declarations.length === 1, 'the declaration');
    expect(rm.declarations[0]).to.deep.equal({
      jobMasterId: h.jobMasterId,
      requirements: {
        jobId: h.jobId,
        targetAddress: h.jobMaster.getAddress(),
        resourceRequirements: [{ resourceProfile: ResourceProfile.UNKNOWN, numberOfRequiredSlots: 3 }],
      },
    });
  });

  it('declares again when a task finishes, and only then', async () => {
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the declaration');
    const { taskExecutor } = await h.registerTaskExecutor(3);
    const [task0, task1] = await h.awaitSubmissions(taskExecutor, 3);
    await h.report(task1!, 'FAILED', { error: new Error('restarted, still needed') });
    await h.awaitSubmissions(taskExecutor, 4);

    await h.finish(task0!, 'r0');

    await eventually(() => rm.declarations.length === 2, 'the second declaration');
    expect(rm.lastDeclaredSlots()).to.equal(2);
    await drain();
    expect(rm.declarations).to.have.lengthOf(2);
  });

  it('keeps its declaration while it holds fewer slots than its unfinished tasks need', async () => {
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the declaration');
    const { taskExecutor } = await h.registerTaskExecutor(1);
    const [task0] = await h.awaitSubmissions(taskExecutor, 1);

    await h.finish(task0!, 'r0');
    await h.awaitSubmissions(taskExecutor, 2);
    await drain();

    expect(rm.declarations).to.have.lengthOf(1);
    expect(rm.lastDeclaredSlots()).to.equal(3);
  });

  it('answers the heartbeat requests of the ResourceManager it is registered at', async () => {
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the registration');

    await h.gateway.heartbeatFromResourceManager(rm.resourceId);

    await eventually(() => rm.heartbeatsFromJobManager.length === 1, 'the heartbeat answer');
    expect(rm.heartbeatsFromJobManager[0]).to.equal(h.resourceId);
  });

  it('gives up an unanswered registration for the new ResourceManager leader (testCloseUnestablishedResourceManagerConnection)', async () => {
    await h.start();
    const oldRm = h.startResourceManager(false);
    oldRm.holdRegistrations = true;
    h.rmLeader.notifyListener(oldRm.getAddress(), oldRm.getFencingToken());
    await eventually(() => oldRm.registrations.length === 1, 'the first registration attempt');

    const newRm = h.startResourceManager();

    await eventually(() => newRm.declarations.length === 1, 'the registration at the new leader');
    // Moving time on retries nothing at the old leader: its registration was cancelled.
    h.manual.advance(10_000);
    await drain();
    expect(oldRm.registrations).to.have.lengthOf(1);
    expect(oldRm.declarations).to.have.lengthOf(0);
  });

  it('registers at a new ResourceManager leader and leaves the old one', async () => {
    await h.start();
    const oldRm = h.startResourceManager();
    await eventually(() => oldRm.declarations.length === 1, 'the first registration');

    const newRm = h.startResourceManager();

    await eventually(() => newRm.declarations.length === 1, 'the declaration at the new leader');
    expect(newRm.registrations[0]!.jobMasterId).to.equal(h.jobMasterId);
    expect(newRm.lastDeclaredSlots()).to.equal(3);
    expect(oldRm.disconnections).to.have.lengthOf(1);
    expect(oldRm.disconnections[0]).to.include({ jobId: h.jobId, jobStatus: 'RUNNING' });
    expect(oldRm.disconnections[0]!.cause).to.be.instanceOf(JobMasterError);
  });

  it('registers again at the same ResourceManager after it disconnected the JobMaster (testReconnectionAfterDisconnect)', async () => {
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the registration');

    h.gateway.disconnectResourceManager(rm.getFencingToken(), new Error('Test exception'));

    await eventually(() => rm.registrations.length === 2, 'the second registration');
    await eventually(() => rm.declarations.length === 2, 'the declaration after it');
    expect(rm.lastDeclaredSlots()).to.equal(3);
  });

  it('ignores a disconnect from a ResourceManager that is not the current one', async () => {
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the registration');

    h.gateway.disconnectResourceManager(ResourceManagerId.generate(), new Error('stale'));
    await drain();

    expect(rm.registrations).to.have.lengthOf(1);
    expect(rm.disconnections).to.have.lengthOf(0);
  });

  it('leaves the ResourceManager and registers again when its heartbeats time out (testHeartbeatTimeoutWithResourceManager)', async () => {
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the registration');

    h.manual.advance(kHeartbeatTimeout);

    await eventually(() => rm.registrations.length === 2, 'the second registration');
    expect(rm.disconnections).to.have.lengthOf(1);
    expect(rm.disconnections[0]!.cause.message).to.equal(
      `The heartbeat of ResourceManager with id ${rm.resourceId} timed out.`,
    );
  });

  it('leaves the ResourceManager and registers again when it becomes unreachable (testResourceManagerBecomesUnreachableTriggersDisconnect)', async () => {
    await h.start();
    const rm = h.startResourceManager();
    await eventually(() => rm.declarations.length === 1, 'the registration');
    rm.unreachableForHeartbeats = true;

    for (let i = 0; i < 2; i++) await h.gateway.heartbeatFromResourceManager(rm.resourceId);

    await eventually(() => rm.registrations.length === 2, 'the second registration');
    expect(rm.disconnections[0]!.cause.message).to.equal(
      `ResourceManager with id ${rm.resourceId} is no longer reachable.`,
    );
  });
});
