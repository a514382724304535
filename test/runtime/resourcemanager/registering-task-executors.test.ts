// How the ResourceManager takes TaskExecutor registrations, after Flink's
// ResourceManagerTaskExecutorTest (behaviours 50-54 of the reference) and the
// FLINK-12260 fix. The TaskExecutor runs on the test's thread and in a worker.

import { expect } from 'chai';
import { FencingTokenError } from '../../../src/rpc/errors.js';
import { ResourceManagerError } from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import {
  kOutdatedRegistrationReason,
  kUnrecognizedWorkerReason,
} from '../../../src/runtime/resourcemanager/resource-manager.js';
import { ResourceID, ResourceManagerId } from '../../../src/runtime/types/ids.js';
import type { TaskExecutorRegistrationSuccess } from '../../../src/runtime/types/registration-response.js';
import { TestingTaskExecutor } from '../../fixtures/testing-task-executor.js';
import { eventually } from '../../support/eventually.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import {
  holdEveryConnect,
  holdFirstConnect,
  kTimeoutMs,
  registerWithSlots,
  registrationOf,
  slotReportOf,
  startResourceManager,
  startTaskExecutor,
} from './testing-resource-manager-builder.js';
import { kResourceManagerWorkerModule } from './resource-manager-worker.js';

function expectSuccess(response: { kind: string }): TaskExecutorRegistrationSuccess {
  expect(response.kind).to.equal('success');
  return response as TaskExecutorRegistrationSuccess;
}

describe('ResourceManager: registering TaskExecutors', () => {
  const service = useRpcService();

  for (const path of kPaths) {
    describe(path, () => {
      it('answers a registration with a new InstanceID, its own ResourceID and the cluster information', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        const success = expectSuccess(await rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs));
        expect(success.resourceManagerResourceId).to.equal(rm.resourceId);
        expect(success.clusterInformation).to.deep.equal({
          blobServerHostname: 'localhost',
          blobServerPort: 0,
        });
        expect(success.registrationId).to.match(/^[0-9a-f]{32}$/);
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
      });

      it('accepts a duplicate registration with a new InstanceID and keeps one TaskExecutor (testRegisterTaskExecutor)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        const first = expectSuccess(await rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs));
        const second = expectSuccess(await rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs));
        expect(second.registrationId).to.not.equal(first.registrationId);
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
      });

      it('unregisters the replaced registration from the slot manager', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        const oldInstance = await registerWithSlots(rm, te, slotReportOf(te.resourceId, 3));
        expect((await rm.gateway.requestResourceOverview(kTimeoutMs)).numberRegisteredSlots).to.equal(3);

        const renewed = expectSuccess(await rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs));
        expect((await rm.gateway.requestResourceOverview(kTimeoutMs)).numberRegisteredSlots).to.equal(0);
        const stale = await rm.gateway
          .sendSlotReport(te.resourceId, oldInstance, slotReportOf(te.resourceId, 3), kTimeoutMs)
          .catch((e: unknown) => e);
        expect(stale).to.be.instanceOf(ResourceManagerError);
        await rm.gateway.sendSlotReport(
          te.resourceId,
          renewed.registrationId,
          slotReportOf(te.resourceId, 3),
          kTimeoutMs,
        );
        expect((await rm.gateway.requestResourceOverview(kTimeoutMs)).numberRegisteredSlots).to.equal(3);
      });

      it('declines a late registration whose connect was overtaken by a newer one (testDelayedRegisterTaskExecutor, FLINK-12260)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        const held = holdFirstConnect(service.rpc);
        try {
          const late = rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs);
          const current = expectSuccess(
            await rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs),
          );
          held.release();
          expect(await late).to.deep.equal({ kind: 'failure', reason: kOutdatedRegistrationReason });
          // The newer registration is still the one in place.
          await rm.gateway.sendSlotReport(
            te.resourceId,
            current.registrationId,
            slotReportOf(te.resourceId, 1),
            kTimeoutMs,
          );
          expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal({
            numberTaskManagers: 1,
            numberRegisteredSlots: 1,
            numberFreeSlots: 1,
          });
        } finally {
          held.restore();
        }
      });

      it('of two pending connect-backs for one ResourceID, the older one released first is declined as outdated and the newer one succeeds (FLINK-12260)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        const held = holdEveryConnect(service.rpc);
        try {
          const older = rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs);
          const newer = rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs);
          await eventually(() => held.pending() === 2, 'both connect-backs to be pending');
          held.release(0);
          expect(await older).to.deep.equal({ kind: 'failure', reason: kOutdatedRegistrationReason });
          expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
          held.release(1);
          const current = expectSuccess(await newer);
          await rm.gateway.sendSlotReport(
            te.resourceId,
            current.registrationId,
            slotReportOf(te.resourceId, 1),
            kTimeoutMs,
          );
          expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
        } finally {
          held.restore();
        }
      });

      it('rejects a TaskExecutor that the framework does not accept', async () => {
        const rm = await startResourceManager(service.rpc, { isWorkerAccepted: () => false });
        const te = await startTaskExecutor(service.rpc, path);
        const response = await rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs);
        expect(response).to.deep.equal({ kind: 'rejection', reason: kUnrecognizedWorkerReason });
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
      });
    });
  }

  it('answers a registration from an address without an endpoint with a Failure (testRegisterTaskExecutorFromInvalidAddress)', async () => {
    const rm = await startResourceManager(service.rpc);
    for (const address of [
      'node://flink@thread-0/user/rpc/nobody',
      'node://flink@thread-999/user/rpc/nobody',
    ]) {
      const response = await rm.gateway.registerTaskExecutor(
        registrationOf({ address, resourceId: ResourceID.generate() }),
        kTimeoutMs,
      );
      expect(response.kind).to.equal('failure');
      expect((response as { reason: string }).reason).to.include(address);
    }
    expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
  });

  it('fails a registration sent with another leader session id (testRegisterTaskExecutorWithUnmatchedLeaderSessionId)', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    const stale = await service.rpc.connectFenced(
      rm.rm.getAddress(),
      ResourceManagerId.generate(),
      ResourceManagerGateway,
    );
    const error = await stale.registerTaskExecutor(registrationOf(te), kTimeoutMs).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FencingTokenError);
    expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
  });

  describe('with the ResourceManager in a worker', () => {
    it('connects back to a TaskExecutor on the main thread and tracks its slots', async () => {
      const rmId = ResourceManagerId.generate();
      const worker = await service.rpc.spawnWorker(kResourceManagerWorkerModule, {
        workerData: { resourceManagerId: rmId },
      });
      const gateway = await service.rpc.connectFenced(worker.result as string, rmId, ResourceManagerGateway);
      const local = new TestingTaskExecutor(service.rpc);
      local.start();
      const te = { address: local.getAddress(), resourceId: ResourceID.generate() };
      const success = expectSuccess(await gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs));
      await gateway.sendSlotReport(
        te.resourceId,
        success.registrationId,
        slotReportOf(te.resourceId, 2, [1]),
        kTimeoutMs,
      );
      expect(await gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal({
        numberTaskManagers: 1,
        numberRegisteredSlots: 2,
        numberFreeSlots: 1,
      });
    });

    it('tells onTaskExecutorRegistered of each registration once its slot report is in, not at the registration', async () => {
      const heard: string[] = [];
      const rm = await startResourceManager(service.rpc, {
        onTaskExecutorRegistered: (resourceId) => heard.push(resourceId),
      });
      const first = await startTaskExecutor(service.rpc, 'same thread');
      const second = await startTaskExecutor(service.rpc, 'same thread');
      await rm.gateway.registerTaskExecutor(registrationOf(first), kTimeoutMs);
      await rm.flush();
      expect(heard, 'registered without a slot report').to.deep.equal([]);
      await registerWithSlots(rm, first);
      await registerWithSlots(rm, second);
      expect(heard).to.deep.equal([first.resourceId, second.resourceId]);
    });

    it('keeps a registration whose onTaskExecutorRegistered listener throws', async () => {
      const rm = await startResourceManager(service.rpc, {
        onTaskExecutorRegistered: () => {
          throw new Error('a broken listener');
        },
      });
      const te = await startTaskExecutor(service.rpc, 'same thread');
      await registerWithSlots(rm, te);
      expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
      expect(await rm.rm.awaitRegisteredTaskExecutors(1)).to.equal(true);
    });

    it('fails calls with a stale ResourceManagerId with FencingTokenError across threads', async () => {
      const rmId = ResourceManagerId.generate();
      const worker = await service.rpc.spawnWorker(kResourceManagerWorkerModule, {
        workerData: { resourceManagerId: rmId },
      });
      const stale = await service.rpc.connectFenced(
        worker.result as string,
        ResourceManagerId.generate(),
        ResourceManagerGateway,
      );
      const error = (await stale.getNumberOfRegisteredTaskManagers().catch((e: unknown) => e)) as Error;
      expect(error).to.be.instanceOf(FencingTokenError);
      expect((error as FencingTokenError).code).to.equal('ERR_FENCING_TOKEN');
      const sendError = await stale
        .registerTaskExecutor(registrationOf({ address: 'x', resourceId: ResourceID.generate() }), kTimeoutMs)
        .catch((e: unknown) => e);
      expect(sendError).to.be.instanceOf(FencingTokenError);
    });
  });
});
