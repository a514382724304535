// The ResourceManager as heartbeat sender to its TaskExecutors, after Flink's
// ResourceManagerTest (behaviours 55 and 56) and ResourceManagerTaskExecutorTest
// heartbeat-payload checks. Time is a ManualExecutor (interval 10, timeout 50,
// 2 failed RPCs until unreachable); the TaskExecutor runs on both paths.

import { expect } from 'chai';
import { eventuallyAsync } from '../../support/eventually-async.js';
import {
  TaskExecutorHeartbeatTimeoutError,
  TaskExecutorUnreachableError,
} from '../../../src/runtime/resourcemanager/resource-manager-errors.js';
import type { RecordedError } from '../../fixtures/testing-task-executor.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import {
  heartbeatAnswer,
  kHeartbeatInterval,
  kHeartbeatTimeout,
  kTimeoutMs,
  registerWithSlots,
  slotReportOf,
  startResourceManager,
  startTaskExecutor,
} from './testing-resource-manager-builder.js';

describe('ResourceManager: heartbeats with TaskExecutors', () => {
  const service = useRpcService();

  for (const path of kPaths) {
    describe(path, () => {
      it('requests heartbeats from a registered TaskExecutor with its own ResourceID', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te);
        await rm.tick(0);
        const [request] = await te.control.awaitCalls('heartbeatFromResourceManager', 1);
        expect(request!.args).to.deep.equal([rm.resourceId]);
      });

      it('disconnects and stops a TaskExecutor whose heartbeat times out (testHeartbeatTimeoutWithTaskExecutor)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te);
        await rm.tick(kHeartbeatTimeout - 1);
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);

        await rm.tick(1);
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
        const [stopped] = await rm.stoppedWorkers.until(1);
        expect(stopped!.resourceId).to.equal(te.resourceId);
        expect(stopped!.cause).to.be.instanceOf(TaskExecutorHeartbeatTimeoutError);
        const [call] = await te.control.awaitCalls('disconnectResourceManager', 1);
        expect((call!.args[0] as RecordedError).error.message).to.equal(
          `The heartbeat of TaskManager with id ${te.resourceId} timed out.`,
        );
      });

      it('disconnects a TaskExecutor that has become unreachable (testTaskExecutorBecomesUnreachableTriggersDisconnect)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te);
        // The endpoint ends but its thread lives: only heartbeats can tell (a dead thread is death-watched).
        if (te.worker) {
          te.control.terminateEndpoint();
          await eventuallyAsync(
            async () => (await te.worker!.metrics()).endpoints === 0,
            'the endpoint to end',
          );
        } else {
          await te.local!.closeAsync();
        }

        await rm.tick(0);
        await rm.tick(kHeartbeatInterval);
        const [stopped] = await rm.stoppedWorkers.until(1);
        expect(stopped!.resourceId).to.equal(te.resourceId);
        expect(stopped!.cause).to.be.instanceOf(TaskExecutorUnreachableError);
        expect(stopped!.cause.message).to.equal(
          `TaskManager with id ${te.resourceId} is no longer reachable.`,
        );
        expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal({
          numberTaskManagers: 0,
          numberRegisteredSlots: 0,
          numberFreeSlots: 0,
        });
      });

      it('takes slot states from heartbeat payloads and records the heartbeat time (testHeartbeatReporting)', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te, slotReportOf(te.resourceId, 2));
        await te.control.answerHeartbeats(heartbeatAnswer(rm, te, slotReportOf(te.resourceId, 2, [0])));

        await rm.tick(7);
        await te.control.awaitHeartbeatsAnswered(1);
        expect(await rm.gateway.requestResourceOverview(kTimeoutMs)).to.deep.equal({
          numberTaskManagers: 1,
          numberRegisteredSlots: 2,
          numberFreeSlots: 1,
        });
        const [info] = await rm.gateway.requestTaskManagerInfo(kTimeoutMs);
        expect(info!.lastHeartbeat).to.equal(7);
        expect(info!.numberAvailableSlots).to.equal(1);
      });

      it('keeps a TaskExecutor that answers its heartbeats past the timeout', async () => {
        const rm = await startResourceManager(service.rpc);
        const te = await startTaskExecutor(service.rpc, path);
        await registerWithSlots(rm, te);
        await te.control.answerHeartbeats(heartbeatAnswer(rm, te, slotReportOf(te.resourceId, 2)));
        await rm.tick(0);
        for (let answered = 1; answered <= 10; answered++) {
          await te.control.awaitHeartbeatsAnswered(answered);
          await rm.tick(kHeartbeatInterval);
        }
        expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
        expect(rm.stoppedWorkers.items).to.deep.equal([]);
      });
    });
  }

  it('restarts the heartbeat timeout of a TaskExecutor that registers again', async () => {
    const rm = await startResourceManager(service.rpc);
    const te = await startTaskExecutor(service.rpc, 'same thread');
    await registerWithSlots(rm, te);
    await rm.tick(40);
    await registerWithSlots(rm, te);
    await rm.tick(kHeartbeatTimeout - 1);
    expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(1);
    await rm.tick(1);
    expect(await rm.gateway.getNumberOfRegisteredTaskManagers()).to.equal(0);
  });
});
