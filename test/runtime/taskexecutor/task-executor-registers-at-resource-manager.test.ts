// The TaskExecutor's side of the ResourceManager connection: finding the leader,
// registering, the first slot report, heartbeats, reconnection and the
// registration deadline. Ports TaskExecutorTest behaviours 17–31 of
// reference/flink-runtime.md §4.

import { expect } from 'chai';

import { RecipientUnreachableError } from '../../../src/rpc/errors.js';
import { TaskManagerError } from '../../../src/runtime/gateways/task-executor-errors.js';
import { RegistrationTimeoutError } from '../../../src/runtime/taskexecutor/task-executor-errors.js';
import { AllocationID, JobID, ResourceManagerId } from '../../../src/runtime/types/ids.js';
import { RegistrationResponse } from '../../../src/runtime/types/registration-response.js';
import { ResourceProfile } from '../../../src/runtime/types/resource-profile.js';
import { SlotID } from '../../../src/runtime/types/slot-id.js';
import type { TaskExecutorRegistration } from '../../../src/runtime/types/task-executor-registration.js';
import type { TaskExecutorHeartbeatPayload } from '../../../src/runtime/types/heartbeat-payloads.js';
import { useRpcService } from '../../support/paths.js';
import { drain, eventually } from '../../support/eventually.js';
import { kHeartbeatTimeout, kRetry, TestingTaskExecutorBuilder } from './testing-task-executor-builder.js';

describe('TaskExecutor: registration at the ResourceManager', () => {
  const service = useRpcService();
  let h: TestingTaskExecutorBuilder;
  beforeEach(() => {
    h = new TestingTaskExecutorBuilder(service.rpc);
  });

  const registrations = (rm: { callsOf(m: 'registerTaskExecutor'): unknown[][] }) =>
    rm.callsOf('registerTaskExecutor').length;

  it('registers at once if the leader is known (testImmediatelyRegistersIfLeaderIsKnown)', async () => {
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => registrations(rm) === 1, 'a registration');
    const [registration] = rm.callsOf('registerTaskExecutor')[0] as [TaskExecutorRegistration];
    expect(registration.taskExecutorAddress).to.equal(h.taskExecutor.getAddress());
    expect(registration.resourceId).to.equal(h.resourceId);
    await eventually(() => h.taskExecutor.isConnectedToResourceManager(rm.getFencingToken()));
  });

  it('sends its slot report after a successful registration (testInitialSlotReport)', async () => {
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => rm.callsOf('sendSlotReport').length === 1, 'the slot report');
    const [resourceId, instanceId, report] = rm.callsOf('sendSlotReport')[0] as [
      string,
      string,
      { slots: unknown[] },
    ];
    expect(resourceId).to.equal(h.resourceId);
    expect(instanceId).to.be.a('string').and.have.length.greaterThan(0);
    expect(report.slots).to.have.length(2);
  });

  it('registers with the default slot profile and the total profile (testRegisterWithDefaultSlotResourceProfile)', async () => {
    const total = ResourceProfile.of({ cpuCores: 4, taskHeapMemoryMB: 400 });
    h = new TestingTaskExecutorBuilder(service.rpc, { numberSlots: 2, totalResourceProfile: total });
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => registrations(rm) === 1);
    const [registration] = rm.callsOf('registerTaskExecutor')[0] as [TaskExecutorRegistration];
    expect(registration.defaultSlotResourceProfile).to.deep.equal(
      ResourceProfile.of({ cpuCores: 2, taskHeapMemoryMB: 200 }),
    );
    expect(registration.totalResourceProfile).to.deep.equal(total);
  });

  it('registers only once a leader appears, and again at each new leader (testTriggerRegistrationOnLeaderChange)', async () => {
    h.start();
    const rm1 = h.startResourceManager({}, false);
    const rm2 = h.startResourceManager({}, false);
    await drain();
    expect(registrations(rm1)).to.equal(0);
    h.rmLeader.notifyListener(rm1.getAddress(), rm1.getFencingToken());
    await eventually(() => h.taskExecutor.isConnectedToResourceManager(rm1.getFencingToken()));
    h.rmLeader.notifyListener(null, null);
    await eventually(() => rm1.callsOf('disconnectTaskManager').length === 1, 'the disconnect from rm1');
    expect(h.taskExecutor.isConnectedToResourceManager()).to.equal(false);
    h.rmLeader.notifyListener(rm2.getAddress(), rm2.getFencingToken());
    await eventually(() => h.taskExecutor.isConnectedToResourceManager(rm2.getFencingToken()));
    expect(registrations(rm1)).to.equal(1);
    expect(registrations(rm2)).to.equal(1);
  });

  it('re-registers after a heartbeat timeout, telling the old ResourceManager (testHeartbeatTimeoutWithResourceManager)', async () => {
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => rm.callsOf('sendSlotReport').length === 1);
    h.manual.advance(kHeartbeatTimeout);
    await eventually(() => registrations(rm) === 2, 'a second registration');
    const [resourceId, cause] = rm.callsOf('disconnectTaskManager')[0] as [string, Error];
    expect(resourceId).to.equal(h.resourceId);
    expect(cause.message).to.contain('timed out');
  });

  it('keeps the connection while heartbeats arrive (the monitor is re-armed)', async () => {
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => rm.callsOf('sendSlotReport').length === 1);
    for (let i = 0; i < 4; i++) {
      h.manual.advance(kHeartbeatTimeout - 1);
      await h.gateway.heartbeatFromResourceManager(rm.resourceId);
    }
    await drain();
    expect(registrations(rm)).to.equal(1);
    expect(rm.callsOf('disconnectTaskManager')).to.have.lengthOf(0);
  });

  it('answers a heartbeat request with its current slot report (testHeartbeatReporting)', async () => {
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    const jobId = JobID.generate();
    const allocationId = AllocationID.generate();
    await h.gateway.requestSlot(
      SlotID.of(h.resourceId, 1),
      jobId,
      allocationId,
      ResourceProfile.UNKNOWN,
      'unused',
      rm.getFencingToken(),
      1000,
    );
    await h.gateway.heartbeatFromResourceManager(rm.resourceId);
    await eventually(() => rm.callsOf('heartbeatFromTaskManager').length === 1, 'the heartbeat reply');
    const [origin, payload] = rm.callsOf('heartbeatFromTaskManager')[0] as [
      string,
      TaskExecutorHeartbeatPayload,
    ];
    expect(origin).to.equal(h.resourceId);
    const slot1 = payload.slotReport.slots.find((s) => s.slotId.slotNumber === 1);
    expect(slot1?.allocationId).to.equal(allocationId);
    expect(slot1?.jobId).to.equal(jobId);
    expect(payload.slotReport.slots.find((s) => s.slotId.slotNumber === 0)?.allocationId).to.equal(undefined);
  });

  it('re-registers when the ResourceManager becomes unreachable (testResourceManagerBecomesUnreachableTriggersDisconnect)', async () => {
    const rm = h.startResourceManager({
      heartbeatFromTaskManager: () => {
        throw new RecipientUnreachableError('the ResourceManager is gone');
      },
    });
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    await h.gateway.heartbeatFromResourceManager(rm.resourceId);
    await eventually(() => rm.callsOf('heartbeatFromTaskManager').length === 1);
    await drain();
    expect(registrations(rm)).to.equal(1);
    await h.gateway.heartbeatFromResourceManager(rm.resourceId);
    await eventually(() => registrations(rm) === 2, 're-registration after 2 unreachable replies');
    const [, cause] = rm.callsOf('disconnectTaskManager')[0] as [string, Error];
    expect(cause.message).to.contain('no longer reachable');
  });

  it('stops monitoring the ResourceManager as soon as its leadership is revoked (testRMHeartbeatStopWhenLeadershipRevoked)', async () => {
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    h.rmLeader.notifyListener(null, null);
    await eventually(() => rm.callsOf('disconnectTaskManager').length === 1);
    // A heartbeat request from the old leader is no longer answered.
    await h.gateway.heartbeatFromResourceManager(rm.resourceId);
    h.manual.advance(kHeartbeatTimeout * 2);
    await drain();
    expect(rm.callsOf('heartbeatFromTaskManager')).to.have.lengthOf(0);
    expect(rm.callsOf('disconnectTaskManager')).to.have.length(1);
    expect(registrations(rm)).to.equal(1);
  });

  it('fails fatally when no ResourceManager is found within the registration timeout (testMaximumRegistrationDuration)', async () => {
    h = new TestingTaskExecutorBuilder(service.rpc, { maxRegistrationDurationMs: 10 });
    h.start();
    await drain();
    h.manual.advance(9);
    await drain();
    expect(h.fatalErrors).to.have.lengthOf(0);
    h.manual.advance(1);
    await eventually(() => h.fatalErrors.length === 1, 'the fatal error');
    expect(h.fatalErrors[0]).to.be.instanceOf(RegistrationTimeoutError);
    expect((h.fatalErrors[0] as RegistrationTimeoutError).code).to.equal('ERR_REGISTRATION_TIMEOUT');
    expect(h.fatalErrors[0]!.message).to.contain('maximum registration duration 10 ms');
  });

  it('stops the registration timeout once registered', async () => {
    // The deadline (3 s) comes before the heartbeat timeout (5 s), so only a stopped deadline stays quiet.
    h = new TestingTaskExecutorBuilder(service.rpc, { maxRegistrationDurationMs: 3000 });
    h.startResourceManager();
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    h.manual.advance(4000);
    await drain();
    expect(h.fatalErrors).to.have.lengthOf(0);
    expect(h.taskExecutor.isConnectedToResourceManager()).to.equal(true);
  });

  it('re-arms the registration timeout after a connection loss (testMaximumRegistrationDurationAfterConnectionLoss)', async () => {
    h = new TestingTaskExecutorBuilder(service.rpc, { maxRegistrationDurationMs: 10 * kHeartbeatTimeout });
    let registrationsSoFar = 0;
    const rm = h.startResourceManager({
      registerTaskExecutor: () => {
        registrationsSoFar++;
        return registrationsSoFar === 1
          ? RegistrationResponse.taskExecutorSuccess(
              // eslint-disable-next-line @typescript-eslint/no-explicit-any
              'i1' as any,
              rm.resourceId,
              { blobServerHostname: 'localhost', blobServerPort: 1 },
            )
          : RegistrationResponse.failure('not now');
      },
    });
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    h.manual.advance(kHeartbeatTimeout);
    await eventually(() => registrations(rm) === 2, 'a refused re-registration');
    // Refused attempts are retried after the refused delay, until the deadline.
    h.manual.advance(kRetry.refusedDelayMs);
    await eventually(() => registrations(rm) === 3, 'a retried registration');
    expect(h.fatalErrors).to.have.lengthOf(0);
    h.manual.advance(10 * kHeartbeatTimeout);
    await eventually(
      () => h.fatalErrors.some((e) => e instanceof RegistrationTimeoutError),
      'the fatal error',
    );
  });

  it('refuses slot requests before it is registered at that ResourceManager (testIgnoringSlotRequestsIfNotRegistered)', async () => {
    const rm = h.startResourceManager({
      // Never answers in time: the TaskExecutor stays unregistered.
      registerTaskExecutor: () => new Promise(() => {}),
    });
    h.start();
    await eventually(() => registrations(rm) === 1);
    const request = h.gateway.requestSlot(
      SlotID.of(h.resourceId, 0),
      JobID.generate(),
      AllocationID.generate(),
      ResourceProfile.UNKNOWN,
      'unused',
      rm.getFencingToken(),
      1000,
    );
    const error = await request.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(TaskManagerError);
    expect((error as Error).message).to.equal(
      `TaskManager is not connected to the resource manager ${rm.getFencingToken()}.`,
    );
  });

  it('refuses slot requests from a ResourceManager it is not registered at', async () => {
    h.startResourceManager();
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    const error = await h.gateway
      .requestSlot(
        SlotID.of(h.resourceId, 0),
        JobID.generate(),
        AllocationID.generate(),
        ResourceProfile.UNKNOWN,
        'unused',
        ResourceManagerId.generate(),
        1000,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(TaskManagerError);
  });

  it('registers again when the ResourceManager disconnects it (testReconnectionAttemptIfExplicitlyDisconnected)', async () => {
    const rm = h.startResourceManager();
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    h.gateway.disconnectResourceManager(new Error('go away'));
    await eventually(() => registrations(rm) === 2, 'a new registration');
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
  });

  it('registers again when the initial slot report fails (testInitialSlotReportFailure)', async () => {
    let reports = 0;
    const rm = h.startResourceManager({
      sendSlotReport: () => {
        reports++;
        if (reports === 1) throw new Error('slot report refused');
        return true;
      },
    });
    h.start();
    await eventually(() => registrations(rm) === 2, 'a re-registration');
    await eventually(() => rm.callsOf('sendSlotReport').length === 2);
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
  });

  it('says when it has first registered: once the ResourceManager has answered its slot report', async () => {
    let answer!: () => void;
    const answered = new Promise<true>((resolve) => (answer = () => resolve(true)));
    const rm = h.startResourceManager({ sendSlotReport: () => answered });
    h.start();
    let registered = false;
    void h.taskExecutor.whenFirstRegisteredAtResourceManager().then(() => (registered = true));
    await eventually(() => rm.callsOf('sendSlotReport').length === 1, 'the slot report');
    await drain();
    expect(registered, 'registered, but the slot report is unanswered').to.equal(false);
    answer();
    await eventually(() => registered, 'the first registration');
  });

  it('fails fatally when the ResourceManager rejects the registration', async () => {
    h.startResourceManager({ registerTaskExecutor: () => RegistrationResponse.rejection('unknown worker') });
    h.start();
    await eventually(() => h.fatalErrors.length === 1, 'the fatal error');
    expect(h.fatalErrors[0]!.message).to.contain('unknown worker');
  });

  it('never registers at a new leader while it stops (FLINK-13769)', async () => {
    h.start();
    const rm = h.startResourceManager({}, false);
    await drain();
    const closing = h.taskExecutor.closeAsync();
    h.rmLeader.notifyListener(rm.getAddress(), rm.getFencingToken());
    await closing;
    await drain();
    expect(registrations(rm)).to.equal(0);
    expect(h.manual.pendingCount).to.equal(0);
  });

  it('stops its services when it terminates (testShouldShutDownTaskManagerServicesInPostStop)', async () => {
    h.startResourceManager();
    h.start();
    await eventually(() => h.taskExecutor.isConnectedToResourceManager());
    await h.taskExecutor.closeAsync();
    expect(h.rmLeader.stopped).to.equal(true);
    expect(h.manual.pendingCount).to.equal(0);
  });
});
