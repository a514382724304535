// The ResourceManager as heartbeat sender to its JobMasters, after Flink's
// ResourceManagerTest.testHeartbeatTimeoutWithJobMaster and
// testJobMasterBecomesUnreachableTriggersDisconnect (behaviour 57). Time is a
// ManualExecutor (interval 10, timeout 50, 2 failed RPCs until unreachable);
// the JobMaster runs on both paths.

import { expect } from 'chai';
import { RecipientUnreachableError } from '../../../src/rpc/errors.js';
import {
  JobManagerHeartbeatTimeoutError,
  JobManagerUnreachableError,
  UnknownJobManagerError,
} from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { DefaultSlotManager } from '../../../src/runtime/resourcemanager/slotmanager/default-slot-manager.js';
import { eventually } from '../../support/eventually.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import {
  errorCodeOf,
  kHeartbeatInterval,
  kHeartbeatTimeout,
  kTimeoutMs,
  registerJobMaster,
  requirementsOf,
  startJobMaster,
  startResourceManager,
  type JobMasterUnderTest,
  type ResourceManagerUnderTest,
} from './testing-resource-manager-builder.js';

async function declareFails(rm: ResourceManagerUnderTest, jm: JobMasterUnderTest): Promise<boolean> {
  const outcome = await rm.gateway
    .declareRequiredResources(jm.jobMasterId, requirementsOf(jm, 1), kTimeoutMs)
    .catch((e: unknown) => e);
  return outcome instanceof UnknownJobManagerError;
}

describe('ResourceManager: heartbeats with JobMasters', () => {
  const service = useRpcService();

  for (const path of kPaths) {
    describe(path, () => {
      it('requests heartbeats from a registered JobMaster with its own ResourceID', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        await rm.tick(0);
        await rm.tick(kHeartbeatInterval);
        expect(await jm.callsOf('heartbeatFromResourceManager')).to.deep.equal([
          [rm.resourceId],
          [rm.resourceId],
        ]);
      });

      it('disconnects a JobMaster whose heartbeat times out and drops its requirements (testHeartbeatTimeoutWithJobMaster)', async () => {
        const slotManager = new DefaultSlotManager();
        const rm = await startResourceManager(service.rpc, { slotManager });
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        await rm.gateway.declareRequiredResources(jm.jobMasterId, requirementsOf(jm, 3), kTimeoutMs);
        await rm.tick(kHeartbeatTimeout - 1);
        expect(await jm.callsOf('disconnectResourceManager')).to.deep.equal([]);

        await rm.tick(1);
        await rm.flush();
        const [told] = await jm.callsOf('disconnectResourceManager');
        expect(told![0]).to.equal(rm.rmId);
        expect(errorCodeOf(told![1])).to.equal(JobManagerHeartbeatTimeoutError.code);
        if (jm.local) {
          expect(told![1]).to.be.instanceOf(JobManagerHeartbeatTimeoutError);
          expect((told![1] as Error).message).to.equal(
            `The heartbeat of JobManager with id ${jm.resourceId} timed out.`,
          );
        }
        expect(slotManager.getNumberRequiredSlots(jm.jobId)).to.equal(0);
        expect(await declareFails(rm, jm)).to.equal(true);
      });

      it('disconnects a JobMaster that has become unreachable (testJobMasterBecomesUnreachableTriggersDisconnect)', async () => {
        const slotManager = new DefaultSlotManager();
        const rm = await startResourceManager(service.rpc, { slotManager });
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        await rm.gateway.declareRequiredResources(jm.jobMasterId, requirementsOf(jm, 1), kTimeoutMs);
        await jm.stop();

        await rm.tick(0);
        await rm.tick(kHeartbeatInterval);
        await eventually(() => slotManager.getNumberRequiredSlots(jm.jobId) === 0, 'requirements dropped');
        expect(await declareFails(rm, jm)).to.equal(true);
      });

      it('keeps a JobMaster that answers its heartbeats past the timeout', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        for (let elapsed = 0; elapsed <= 3 * kHeartbeatTimeout; elapsed += kHeartbeatInterval) {
          await rm.gateway.heartbeatFromJobManager(jm.resourceId);
          await rm.tick(kHeartbeatInterval);
        }
        expect(await jm.callsOf('disconnectResourceManager')).to.deep.equal([]);
        expect(await declareFails(rm, jm)).to.equal(false);
      });

      it('tells every JobMaster when it stops, and leaves no timer behind', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        await rm.rm.closeAsync();
        expect(rm.manual.pendingCount).to.equal(0);
        const [told] = await jm.callsOf('disconnectResourceManager');
        expect(told![0]).to.equal(rm.rmId);
        expect(errorCodeOf(told![1])).to.equal('ERR_RESOURCE_MANAGER');
        if (jm.local) expect((told![1] as Error).message).to.include('is shutting down');
      });
    });
  }

  it('tells a JobMaster whose heartbeat RPCs find no recipient why it is disconnected', async () => {
    const rm = await startResourceManager(service.rpc);
    const jm = await startJobMaster(service.rpc, 'same thread', {
      behaviour: {
        heartbeatFromResourceManager: () => {
          throw new RecipientUnreachableError('as if the JobMaster were gone');
        },
      },
    });
    await registerJobMaster(rm, jm);
    await rm.tick(0);
    await rm.tick(kHeartbeatInterval);
    await eventually(() => jm.local!.callsOf('disconnectResourceManager').length === 1, 'disconnect');
    const [[resourceManagerId, cause]] = jm.local!.callsOf('disconnectResourceManager') as [[string, Error]];
    expect(resourceManagerId).to.equal(rm.rmId);
    expect(cause).to.be.instanceOf(JobManagerUnreachableError);
    expect(cause.message).to.equal(`JobManager with id ${jm.resourceId} is no longer reachable.`);
  });
});
