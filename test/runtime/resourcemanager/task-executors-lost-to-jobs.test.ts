// What a TaskExecutor that goes away means for jobs: every registered JobMaster
// hears disconnectTaskManager at once (Flink's closeTaskManagerConnection, "tell
// every JM disconnectTaskManager"), and a ResourceManager with a
// ResourceAllocator replaces a worker that terminated (Flink's
// ActiveResourceManager.onWorkerTerminated → requestNewWorker).

import { expect } from 'chai';
import { TaskExecutorHeartbeatTimeoutError } from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import { kOutdatedRegistrationReason } from '../../../src/runtime/resourcemanager/resource-manager.js';
import { ResourceID } from '../../../src/runtime/types/ids.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import {
  errorCodeOf,
  holdFirstConnect,
  kHeartbeatTimeout,
  kTimeoutMs,
  registerJobMaster,
  registerWithSlots,
  registrationOf,
  startJobMaster,
  startResourceManager,
  startTaskExecutor,
} from './testing-resource-manager-builder.js';

describe('ResourceManager: TaskExecutors lost to jobs', () => {
  const service = useRpcService();

  for (const path of kPaths) {
    describe(`JobMasters ${path}`, () => {
      it('tells every JobMaster when a TaskExecutor disconnects', async () => {
        const rm = await startResourceManager(service.rpc);
        const jobMasters = [await startJobMaster(service.rpc, path), await startJobMaster(service.rpc, path)];
        for (const jm of jobMasters) await registerJobMaster(rm, jm);
        const te = await startTaskExecutor(service.rpc, 'same thread');
        await registerWithSlots(rm, te);

        rm.gateway.disconnectTaskManager(te.resourceId, new Error('gone'));
        await rm.flush();
        for (const jm of jobMasters) {
          const [call, ...more] = await jm.callsOf('disconnectTaskManager');
          expect(more).to.deep.equal([]);
          expect(call![0]).to.equal(te.resourceId);
          if (jm.local) expect((call![1] as Error).message).to.equal('gone');
        }
      });

      it('tells every JobMaster when a TaskExecutor heartbeat times out', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        const te = await startTaskExecutor(service.rpc, 'same thread');
        await registerWithSlots(rm, te);
        await rm.tick(kHeartbeatTimeout - 10);
        // The JobMaster answers, so only the TaskExecutor times out.
        await rm.gateway.heartbeatFromJobManager(jm.resourceId);

        await rm.tick(10);
        await rm.flush();
        const [call] = await jm.callsOf('disconnectTaskManager');
        expect(call![0]).to.equal(te.resourceId);
        expect(errorCodeOf(call![1])).to.equal(TaskExecutorHeartbeatTimeoutError.code);
        expect(await jm.callsOf('disconnectResourceManager')).to.deep.equal([]);
      });

      it('tells every JobMaster when the worker of a TaskExecutor terminated', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        const te = await startTaskExecutor(service.rpc, 'across threads');
        await registerWithSlots(rm, te);
        await te.worker!.kill();

        rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));
        await rm.flush();
        const [call] = await jm.callsOf('disconnectTaskManager');
        expect(call![0]).to.equal(te.resourceId);
      });

      it('does not tell the JobMasters about its TaskExecutors when it stops', async () => {
        const rm = await startResourceManager(service.rpc);
        const jm = await startJobMaster(service.rpc, path);
        await registerJobMaster(rm, jm);
        const te = await startTaskExecutor(service.rpc, 'same thread');
        await registerWithSlots(rm, te);

        await rm.rm.closeAsync();
        expect(await jm.callsOf('disconnectResourceManager')).to.have.length(1);
        expect(await jm.callsOf('disconnectTaskManager')).to.deep.equal([]);
      });
    });
  }

  describe('with a resource allocator', () => {
    function counting(): { requested: number; requestNewWorker(): void } {
      return {
        requested: 0,
        requestNewWorker() {
          this.requested++;
        },
      };
    }

    it('requests one new worker for a registered worker that terminated', async () => {
      const allocator = counting();
      const rm = await startResourceManager(service.rpc, { resourceAllocator: allocator });
      const te = await startTaskExecutor(service.rpc, 'same thread');
      await registerWithSlots(rm, te);

      rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));
      rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));
      await rm.flush();
      expect(allocator.requested).to.equal(1);
    });

    it('requests a new worker for a worker that terminated while it registered', async () => {
      const allocator = counting();
      const rm = await startResourceManager(service.rpc, { resourceAllocator: allocator });
      const te = await startTaskExecutor(service.rpc, 'same thread');
      const held = holdFirstConnect(service.rpc);
      try {
        const registering = rm.gateway.registerTaskExecutor(registrationOf(te), kTimeoutMs);
        await rm.flush();
        rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));
        await rm.flush();
        expect(allocator.requested).to.equal(1);
        held.release();
        expect(await registering).to.deep.equal({ kind: 'failure', reason: kOutdatedRegistrationReason });
      } finally {
        held.restore();
      }
    });

    it('requests no worker for an unknown ResourceID or one it has let go already', async () => {
      const allocator = counting();
      const rm = await startResourceManager(service.rpc, { resourceAllocator: allocator });
      const te = await startTaskExecutor(service.rpc, 'same thread');
      await registerWithSlots(rm, te);
      rm.gateway.disconnectTaskManager(te.resourceId, new Error('let go'));

      rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));
      rm.rm.notifyWorkerTerminated(ResourceID.generate(), new Error('someone else'));
      await rm.flush();
      expect(allocator.requested).to.equal(0);
    });

    it('keeps going when the resource allocator throws', async () => {
      const rm = await startResourceManager(service.rpc, {
        resourceAllocator: {
          requestNewWorker: () => {
            throw new Error('no capacity');
          },
        },
      });
      const te = await startTaskExecutor(service.rpc, 'same thread');
      await registerWithSlots(rm, te);
      rm.rm.notifyWorkerTerminated(te.resourceId, new Error('worker exited'));
      expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
    });
  });
});
