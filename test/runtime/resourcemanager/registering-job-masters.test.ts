// How the ResourceManager takes JobMaster registrations and whom it accepts
// requirements from, after Flink's ResourceManagerJobMasterTest
// (testRegisterJobMaster, testRegisterJobMasterWithUnmatchedLeaderSessionId,
// testRegisterJobMasterFromInvalidAddress, testDeclareResourceRequirements…)
// and ResourceManager.registerJobMasterInternal. The JobMaster runs on the
// test's thread and in a worker.

import { expect } from 'chai';
import { FencingTokenError } from '../../../src/rpc/errors.js';
import { UnknownJobManagerError } from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import { kOutdatedJobMasterRegistrationReason } from '../../../src/runtime/resourcemanager/resource-manager.js';
import { DefaultSlotManager } from '../../../src/runtime/resourcemanager/slotmanager/default-slot-manager.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import { JobID, JobMasterId, ResourceID, ResourceManagerId } from '../../../src/runtime/types/ids.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import {
  errorCodeOf,
  holdFirstFencedConnect,
  kTimeoutMs,
  registerJobMaster,
  requirementsOf,
  startJobMaster,
  startResourceManager,
} from './testing-resource-manager-builder.js';

describe('ResourceManager: registering JobMasters', () => {
  const service = useRpcService();

  for (const path of kPaths) {
    describe(path, () => {
      it('answers a registration with its ResourceManagerId and ResourceID (testRegisterJobMaster)', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        expect(await registerJobMaster(rm, jm)).to.deep.equal({
          kind: 'success',
          resourceManagerId: rm.rmId,
          resourceManagerResourceId: rm.resourceId,
        });
        expect(
          await rm.gateway.declareRequiredResources(jm.jobMasterId, requirementsOf(jm, 1), kTimeoutMs),
        ).to.equal(Acknowledge);
      });

      it('answers a second registration of the same leader with success and keeps it connected', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        expect((await registerJobMaster(rm, jm)).kind).to.equal('success');
        await rm.flush();
        expect(await jm.callsOf('disconnectResourceManager')).to.deep.equal([]);
        await rm.gateway.declareRequiredResources(jm.jobMasterId, requirementsOf(jm, 1), kTimeoutMs);
      });

      it('replaces the leader of a job by a new one and tells the old one it is disconnected', async () => {
        const slotManager = new DefaultSlotManager();
        const rm = await startResourceManager(service.rpc, { slotManager });
        const old = await startJobMaster(service.rpc, path);
        const current = await startJobMaster(service.rpc, path, { jobId: old.jobId });
        await registerJobMaster(rm, old);
        await rm.gateway.declareRequiredResources(old.jobMasterId, requirementsOf(old, 2), kTimeoutMs);

        expect((await registerJobMaster(rm, current)).kind).to.equal('success');
        await rm.flush();
        const [told] = await old.callsOf('disconnectResourceManager');
        expect(told![0]).to.equal(rm.rmId);
        expect(errorCodeOf(told![1])).to.equal('ERR_RESOURCE_MANAGER');
        if (old.local) {
          expect((told![1] as Error).message).to.equal(`New job leader for job ${old.jobId} found.`);
        }
        // As Flink, the declaration stays until the new leader declares its own.
        expect(slotManager.getNumberRequiredSlots(old.jobId)).to.equal(2);
        const stale = await rm.gateway
          .declareRequiredResources(old.jobMasterId, requirementsOf(old, 1), kTimeoutMs)
          .catch((e: unknown) => e);
        expect(stale).to.be.instanceOf(UnknownJobManagerError);
        await rm.gateway.declareRequiredResources(
          current.jobMasterId,
          requirementsOf(current, 1),
          kTimeoutMs,
        );
        expect(slotManager.getNumberRequiredSlots(old.jobId)).to.equal(1);
      });

      it('declines a late registration whose connect was overtaken by a newer one', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        const held = holdFirstFencedConnect(service.rpc);
        try {
          const late = registerJobMaster(rm, jm);
          expect((await registerJobMaster(rm, jm)).kind).to.equal('success');
          held.release();
          expect(await late).to.deep.equal({ kind: 'failure', reason: kOutdatedJobMasterRegistrationReason });
          await rm.gateway.declareRequiredResources(jm.jobMasterId, requirementsOf(jm, 1), kTimeoutMs);
        } finally {
          held.restore();
        }
      });

      it('connects back fenced by the JobMasterId it was given', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        // Registered with a session id the JobMaster does not hold: the first call back is refused.
        const impostor = { ...jm, jobMasterId: JobMasterId.generate() };
        expect((await registerJobMaster(rm, impostor)).kind).to.equal('success');
        await rm.tick(0);
        expect(await jm.callsOf('heartbeatFromResourceManager')).to.deep.equal([]);
      });
    });
  }

  it('answers a registration from an address without an endpoint with a Failure (testRegisterJobMasterFromInvalidAddress)', async () => {
    const rm = await startResourceManager(service.rpc);
    const address = 'node://flink@thread-999/user/rpc/nobody';
    const response = await rm.gateway.registerJobMaster(
      JobMasterId.generate(),
      ResourceID.generate(),
      address,
      JobID.generate(),
      kTimeoutMs,
    );
    expect(response.kind).to.equal('failure');
    expect((response as { reason: string }).reason).to.include(address);
  });

  it('fails a registration sent with another leader session id (testRegisterJobMasterWithUnmatchedLeaderSessionId)', async () => {
    const rm = await startResourceManager(service.rpc);
    const jm = await startJobMaster(service.rpc, 'same thread');
    const stale = await service.rpc.connectFenced(
      rm.rm.getAddress(),
      ResourceManagerId.generate(),
      ResourceManagerGateway,
    );
    const error = await stale
      .registerJobMaster(jm.jobMasterId, jm.resourceId, jm.address, jm.jobId, kTimeoutMs)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FencingTokenError);
  });

  it('rejects requirements of a job it has no JobMaster for (declareRequiredResources, unknown job)', async () => {
    const rm = await startResourceManager(service.rpc);
    const jm = await startJobMaster(service.rpc, 'same thread');
    const error = await rm.gateway
      .declareRequiredResources(jm.jobMasterId, requirementsOf(jm, 1), kTimeoutMs)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UnknownJobManagerError);
    expect((error as UnknownJobManagerError).code).to.equal('ERR_UNKNOWN_JOB_MANAGER');
    expect((error as Error).message).to.equal(`Could not find registered job manager for job ${jm.jobId}.`);
  });

  it('rejects requirements sent with a JobMasterId that is not the registered one', async () => {
    const slotManager = new DefaultSlotManager();
    const rm = await startResourceManager(service.rpc, { slotManager });
    const jm = await startJobMaster(service.rpc, 'same thread');
    await registerJobMaster(rm, jm);
    const other = JobMasterId.generate();
    const error = await rm.gateway
      .declareRequiredResources(other, requirementsOf(jm, 1), kTimeoutMs)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UnknownJobManagerError);
    expect((error as Error).message).to.equal(
      `The job leader's id ${jm.jobMasterId} does not match the received id ${other}.`,
    );
    expect(slotManager.getNumberRequiredSlots(jm.jobId)).to.equal(0);
  });
});
