// The TaskExecutor's connection to a job's JobMaster after registration:
// heartbeats keep it, sync the slots both sides believe in, and their loss
// (timeout, unreachable peer), a lost or new leader, or the JobMaster's own
// disconnect end it. Ending it turns the job's active slots back into reserved
// ones and tells the JobMaster; the TaskExecutor then registers again where it
// can. Ports TaskExecutorTest behaviours 19, 20, 42 and 43 of
// reference/flink-runtime.md §4.

import { expect } from 'chai';
import { eventuallyAsync } from '../../support/eventually-async.js';

import { RecipientUnreachableError } from '../../../src/rpc/errors.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { FlinkError } from '../../../src/runtime/flink-error.js';
import type { AllocatedSlotReport } from '../../../src/runtime/types/heartbeat-payloads.js';
import { AllocationID, JobID, JobMasterId, ResourceID } from '../../../src/runtime/types/ids.js';
import { RegistrationResponse } from '../../../src/runtime/types/registration-response.js';
import type { SlotOffer } from '../../../src/runtime/types/slot-offer.js';
import {
  kTestingJobMasterResourceId,
  TestingJobMaster,
  TestingJobMasterProbe,
  type RecordedJobMasterCall,
  type TestingJobMasterBehaviour,
} from '../../fixtures/testing-job-master.js';
import type { TestingResourceManager } from '../../fixtures/testing-resource-manager.js';
import { drain, eventually } from '../../support/eventually.js';
import { kPaths, useRpcService, type Path } from '../../support/paths.js';
import { kJobMasterModule } from './job-leader-service/testing-job-leader.js';
import {
  kHeartbeatInterval,
  kHeartbeatTimeout,
  TestingTaskExecutorBuilder,
  type TestingBuilderOptions,
} from './testing-task-executor-builder.js';

const kOptions: TestingBuilderOptions = { numberSlots: 2, rpcTimeoutMs: 60_000, slotTimeoutMs: 8000 };

/** The report a JobMaster holding exactly these slots sends with its heartbeat request. */
function slotReport(jobId: JobID, ...slots: [number, AllocationID][]): AllocatedSlotReport {
  return {
    jobId,
    allocatedSlotInfos: slots.map(([slotIndex, allocationId]) => ({ slotIndex, allocationId })),
  };
}

/**
 * Moves time on by `ms`, a heartbeat interval at a time, answering the
 * ResourceManager's heartbeats on the way, so that only the JobMaster falls silent.
 */
async function advanceKeepingResourceManager(
  h: TestingTaskExecutorBuilder,
  rm: TestingResourceManager,
  ms: number,
): Promise<void> {
  for (let passed = 0; passed < ms; passed += kHeartbeatInterval) {
    h.manual.advance(Math.min(kHeartbeatInterval, ms - passed));
    await h.gateway.heartbeatFromResourceManager(rm.resourceId);
  }
}

describe('TaskExecutor: the connection to the JobMaster', () => {
  const service = useRpcService();
  let h: TestingTaskExecutorBuilder;
  let rm: TestingResourceManager;
  let jobId: JobID;
  beforeEach(async () => {
    h = new TestingTaskExecutorBuilder(service.rpc, kOptions);
    rm = await h.startRegistered();
    jobId = JobID.generate();
  });

  /** A JobMaster that has registered the TaskExecutor and activated its slot 0. */
  async function connectedJobMaster(
    behaviour: Partial<TestingJobMasterBehaviour> = {},
    allocationId = AllocationID.generate(),
  ) {
    const jm = h.startJobMaster(behaviour);
    await h.requestSlot(rm, 0, jobId, allocationId);
    h.announceJobLeader(jobId, jm);
    await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active');
    return { jm, allocationId };
  }

  it('disconnects and registers again when the JobMaster heartbeat times out (testHeartbeatTimeoutWithJobManager)', async () => {
    const { jm, allocationId } = await connectedJobMaster();
    await advanceKeepingResourceManager(h, rm, kHeartbeatTimeout - 1);
    await drain();
    expect(jm.callsOf('disconnectTaskManager')).to.have.lengthOf(0);

    await advanceKeepingResourceManager(h, rm, 1);
    await eventually(() => jm.callsOf('disconnectTaskManager').length === 1, 'the disconnect');
    const [resourceId, cause] = jm.callsOf('disconnectTaskManager')[0] as [ResourceID, Error];
    expect(resourceId).to.equal(h.resourceId);
    expect(cause.message).to.contain('timed out');
    await eventually(() => jm.callsOf('offerSlots').length === 2, 'the re-offer after re-registration');
    expect(jm.callsOf('registerTaskManager')).to.have.lengthOf(2);
    const [, offers] = jm.callsOf('offerSlots')[1] as [ResourceID, SlotOffer[]];
    expect(offers.map((offer) => offer.allocationId)).to.deep.equal([allocationId]);
    expect(rm.callsOf('disconnectTaskManager')).to.have.lengthOf(0);
  });

  it('keeps the connection while the JobMaster asks for heartbeats, and answers each', async () => {
    const { jm, allocationId } = await connectedJobMaster();
    for (let i = 0; i < 3; i++) {
      await advanceKeepingResourceManager(h, rm, kHeartbeatTimeout - 1);
      await h.gateway.heartbeatFromJobManager(
        kTestingJobMasterResourceId,
        slotReport(jobId, [0, allocationId]),
      );
    }
    await eventually(() => jm.callsOf('heartbeatFromTaskManager').length === 3, 'three heartbeat replies');
    expect(jm.callsOf('heartbeatFromTaskManager')[0]).to.deep.equal([
      h.resourceId,
      { executionDeploymentReport: [] },
    ]);
    expect(jm.callsOf('disconnectTaskManager')).to.have.lengthOf(0);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([allocationId]);
  });

  it('disconnects and registers again when the JobMaster becomes unreachable (testJobManagerBecomesUnreachableTriggersDisconnect)', async () => {
    const { jm, allocationId } = await connectedJobMaster({
      heartbeatFromTaskManager: () => {
        throw new RecipientUnreachableError('the JobMaster is gone');
      },
    });
    const report = slotReport(jobId, [0, allocationId]);
    await h.gateway.heartbeatFromJobManager(kTestingJobMasterResourceId, report);
    await eventually(() => jm.callsOf('heartbeatFromTaskManager').length === 1);
    await drain();
    expect(jm.callsOf('disconnectTaskManager')).to.have.lengthOf(0);

    await h.gateway.heartbeatFromJobManager(kTestingJobMasterResourceId, report);
    await eventually(() => jm.callsOf('disconnectTaskManager').length === 1, 'the disconnect');
    const [, cause] = jm.callsOf('disconnectTaskManager')[0] as [ResourceID, Error];
    expect(cause.message).to.contain('no longer reachable');
    await eventually(() => jm.callsOf('registerTaskManager').length === 2, 'a new registration');
  });

  it('fails the slots only the JobMaster knows and frees those only it lacks (testSyncSlotsWithJobMasterByHeartbeat)', async () => {
    const jm = h.startJobMaster();
    const [inBoth, onlyInJobMaster, onlyInTaskExecutor] = [
      AllocationID.generate(),
      AllocationID.generate(),
      AllocationID.generate(),
    ];
    await h.requestSlot(rm, 0, jobId, inBoth);
    await h.requestSlot(rm, 1, jobId, onlyInTaskExecutor);
    h.announceJobLeader(jobId, jm);
    await eventually(() => h.activeAllocationsOf(jobId).length === 2, 'both slots active');

    await h.gateway.heartbeatFromJobManager(
      kTestingJobMasterResourceId,
      slotReport(jobId, [0, inBoth], [1, onlyInJobMaster]),
    );
    await eventually(() => jm.callsOf('failSlot').length === 1, 'the failed slot');
    await eventually(() => rm.callsOf('notifySlotAvailable').length === 1, 'the freed slot');
    await drain();
    expect(jm.callsOf('failSlot')).to.have.lengthOf(1);
    expect(jm.callsOf('failSlot')[0]!.slice(0, 2)).to.deep.equal([h.resourceId, onlyInJobMaster]);
    expect(rm.callsOf('notifySlotAvailable')).to.have.lengthOf(1);
    expect(rm.callsOf('notifySlotAvailable')[0]![2]).to.equal(onlyInTaskExecutor);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([inBoth]);
  });

  it('disconnects from the old JobMaster and offers its slots to the new leader (testDisconnectFromJobMasterWhenNewLeader)', async () => {
    const { jm: jm1, allocationId } = await connectedJobMaster({
      registerTaskManager: () => RegistrationResponse.jmtmSuccess(ResourceID.of('jm1')),
    });
    const jm2 = h.startJobMaster({
      registerTaskManager: () => RegistrationResponse.jmtmSuccess(ResourceID.of('jm2')),
    });
    h.announceJobLeader(jobId, jm2);

    await eventually(() => jm1.callsOf('disconnectTaskManager').length === 1, 'the disconnect from jm1');
    expect(jm1.callsOf('disconnectTaskManager')[0]![0]).to.equal(h.resourceId);
    await eventually(() => jm2.callsOf('offerSlots').length === 1, 'the offer to jm2');
    const [, offers] = jm2.callsOf('offerSlots')[0] as [ResourceID, SlotOffer[]];
    expect(offers.map((offer) => offer.allocationId)).to.deep.equal([allocationId]);
    await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active under jm2');
    expect(jm1.callsOf('offerSlots')).to.have.lengthOf(1);
  });

  it('keeps the slots, inactive, when the job leader is lost, and tells the JobMaster (testDisconnectFromJobMasterWhenNewLeader)', async () => {
    const { jm, allocationId } = await connectedJobMaster();
    h.announceJobLeader(jobId, null);

    await eventually(() => jm.callsOf('disconnectTaskManager').length === 1, 'the disconnect');
    expect(jm.callsOf('disconnectTaskManager')[0]![0]).to.equal(h.resourceId);
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([]);
    expect(h.allocationsOf(jobId)).to.deep.equal([allocationId]);
    expect(rm.callsOf('notifySlotAvailable')).to.have.lengthOf(0);

    // Inactive again, the slot's timeout runs again: no new leader, so it goes back.
    await advanceKeepingResourceManager(h, rm, kOptions.slotTimeoutMs!);
    await eventually(() => rm.callsOf('notifySlotAvailable').length === 1, 'the timed-out slot back');
    expect(h.jobLeader(jobId).stopped).to.equal(true);
  });

  it('disconnects the connected JobMaster when the leader is lost while a newer leader is still registering', async () => {
    const { jm: jm1, allocationId } = await connectedJobMaster({
      registerTaskManager: () => RegistrationResponse.jmtmSuccess(ResourceID.of('jm1')),
    });
    // The new leader never answers the registration, so jm1 stays the connected one.
    const jm2 = h.startJobMaster({ registerTaskManager: () => new Promise(() => {}) });
    h.announceJobLeader(jobId, jm2);
    await eventually(() => jm2.callsOf('registerTaskManager').length >= 1, 'the registration at jm2');

    // Flink's jobManagerLostLeadership disconnects whichever JobMaster the job is connected to.
    h.announceJobLeader(jobId, null);
    await eventually(() => jm1.callsOf('disconnectTaskManager').length === 1, 'the disconnect from jm1');
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([]);
    expect(h.allocationsOf(jobId)).to.deep.equal([allocationId]);
  });

  it('registers again at the same leader when the JobMaster disconnects it', async () => {
    const { jm, allocationId } = await connectedJobMaster();
    h.gateway.disconnectJobManager(jobId, new FlinkError('The JobMaster let this TaskExecutor go.'));

    await eventually(() => jm.callsOf('registerTaskManager').length === 2, 'a new registration');
    expect(jm.callsOf('disconnectTaskManager')).to.have.lengthOf(1);
    await eventually(() => jm.callsOf('offerSlots').length === 2, 'the re-offer');
    await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active again');
    expect(h.activeAllocationsOf(jobId)).to.deep.equal([allocationId]);
  });
});

// ---- the same, with the JobMaster as a real endpoint on either path ---------------

/** A data-driven TestingJobMaster on `path`, with a way to read its calls and to end it. */
async function startDataJobMaster(rpc: RpcService, path: Path) {
  const jobMasterId = JobMasterId.generate();
  let address: string;
  let end: () => Promise<unknown>;
  if (path === 'same thread') {
    const jm = new TestingJobMaster(rpc, jobMasterId);
    jm.start();
    address = jm.getAddress();
    end = () => jm.closeAsync();
  } else {
    const worker = await rpc.spawnWorker(kJobMasterModule, { workerData: { jobMasterId } });
    address = worker.result as string;
    // The endpoint ends but its thread lives: only heartbeats can tell (a dead thread is death-watched).
    end = async () => {
      (await rpc.connectFenced(address, jobMasterId, TestingJobMasterProbe)).terminateEndpoint();
      await eventuallyAsync(async () => (await worker.metrics()).endpoints === 0, 'the endpoint to end');
    };
  }
  return {
    leader: { getAddress: () => address, getFencingToken: () => jobMasterId },
    calls: async (): Promise<RecordedJobMasterCall[]> =>
      (await rpc.connectFenced(address, jobMasterId, TestingJobMasterProbe)).recordedCalls(),
    end,
  };
}

/** Polls `read` until its value satisfies `condition`; for state behind an asynchronous probe. */
async function eventuallyRead<T>(read: () => Promise<T>, condition: (value: T) => boolean, what: string) {
  let value = await read();
  for (let i = 0; !condition(value); i++) {
    if (i > 200) throw new Error(`Timed out waiting for ${what}.`);
    await drain(5);
    value = await read();
  }
  return value;
}

const count = (calls: readonly RecordedJobMasterCall[], method: string) =>
  calls.filter((call) => call.method === method).length;

for (const path of kPaths) {
  describe(`TaskExecutor: losing a JobMaster ${path === 'same thread' ? 'on the same thread' : 'in a worker'}`, () => {
    const service = useRpcService();
    let h: TestingTaskExecutorBuilder;
    let rm: TestingResourceManager;
    let jobId: JobID;
    beforeEach(async () => {
      h = new TestingTaskExecutorBuilder(service.rpc, kOptions);
      rm = await h.startRegistered();
      jobId = JobID.generate();
    });

    it('disconnects and registers again after a heartbeat timeout (testHeartbeatTimeoutWithJobManager)', async () => {
      const jm = await startDataJobMaster(service.rpc, path);
      await h.requestSlot(rm, 0, jobId, AllocationID.generate());
      h.announceJobLeader(jobId, jm.leader);
      await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active');

      await advanceKeepingResourceManager(h, rm, kHeartbeatTimeout);
      const calls = await eventuallyRead(
        jm.calls,
        (c) => count(c, 'disconnectTaskManager') === 1 && count(c, 'offerSlots') === 2,
        'the disconnect and the re-offer',
      );
      expect(count(calls, 'registerTaskManager')).to.equal(2);
      const disconnect = calls.find((call) => call.method === 'disconnectTaskManager')!;
      expect(disconnect.args[0]).to.equal(h.resourceId);
      // The cause is not checked here: the probe's reply carries it nested in plain data, where a
      // decoded error loses its message (see the error codec); the same-thread suite checks it.
    });

    it('lets the slot go back to inactive once the JobMaster is gone (testJobManagerBecomesUnreachableTriggersDisconnect)', async () => {
      const jm = await startDataJobMaster(service.rpc, path);
      const allocationId = AllocationID.generate();
      await h.requestSlot(rm, 0, jobId, allocationId);
      h.announceJobLeader(jobId, jm.leader);
      await eventually(() => h.activeAllocationsOf(jobId).length === 1, 'the slot active');

      await jm.end();
      const report = slotReport(jobId, [0, allocationId]);
      await h.gateway.heartbeatFromJobManager(kTestingJobMasterResourceId, report);
      await drain();
      expect(h.activeAllocationsOf(jobId)).to.deep.equal([allocationId]);
      await h.gateway.heartbeatFromJobManager(kTestingJobMasterResourceId, report);
      await eventually(() => h.activeAllocationsOf(jobId).length === 0, 'the slot inactive');
      expect(h.allocationsOf(jobId)).to.deep.equal([allocationId]);

      await advanceKeepingResourceManager(h, rm, kOptions.slotTimeoutMs!);
      await eventually(() => rm.callsOf('notifySlotAvailable').length === 1, 'the slot back');
      expect(h.fatalErrors).to.have.lengthOf(0);
    });
  });
}
