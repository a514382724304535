// The JobMaster's registry of TaskExecutors: who may register, what a repeated
// or newer registration does, and what the connection brings with it
// (heartbeats with the slots the JobMaster holds). Ports JobMasterTest
// behaviours 96–98 of reference/flink-runtime.md §4, on both paths: the
// TaskExecutor double on the test's thread and in a worker.

import { expect } from 'chai';

import type { AllocatedSlotReport } from '../../../src/runtime/types/heartbeat-payloads.js';
import { JobID, ResourceID } from '../../../src/runtime/types/ids.js';
import type { TaskDeploymentDescriptor } from '../../../src/runtime/types/task-deployment-descriptor.js';
import type { RecordedCall, RecordedError } from '../../fixtures/testing-task-executor.js';
import { drain } from '../../support/eventually.js';
import { kPaths, useRpcService } from '../../support/paths.js';
import { TestingJobMasterBuilder, slotOffers, startTaskExecutorOn } from './testing-job-master-builder.js';

const errorOf = (call: RecordedCall, index: number) => (call.args[index] as RecordedError).error;

for (const path of kPaths) {
  describe(`JobMaster: TaskExecutor registration (${path})`, () => {
    const service = useRpcService();
    let h: TestingJobMasterBuilder;
    beforeEach(async () => {
      h = new TestingJobMasterBuilder(service.rpc, { tasks: 2 });
      await h.start();
    });

    it('rejects a TaskExecutor that registers for another job (testJobMasterRejectsTaskExecutorRegistrationIfJobIdsAreNotEqual)', async () => {
      const te = await startTaskExecutorOn(service.rpc, path);
      const otherJob = JobID.generate();

      const response = await h.register(te.address, ResourceID.of('te'), 'session-1', otherJob);

      expect(response.kind).to.equal('rejection');
      expect(response).to.have.property('reason').that.includes(otherJob);
    });

    it('acknowledges a duplicate registration of the same session and keeps the first one (testJobMasterAcknowledgesDuplicateTaskExecutorRegistrations)', async () => {
      const te = await startTaskExecutorOn(service.rpc, path);
      const resourceId = ResourceID.of('te');
      const first = await h.register(te.address, resourceId, 'session-1');
      const [offer] = slotOffers(1);
      expect(await h.offer(resourceId, [offer!])).to.have.lengthOf(1);

      const second = await h.register(te.address, resourceId, 'session-1');

      expect(first).to.deep.equal({ kind: 'success', resourceId: h.resourceId });
      expect(second).to.deep.equal(first);
      // Registered once: the connection, and the slot held over it, are the first registration's.
      h.manual.triggerAll();
      const [heartbeat] = await te.control.awaitCalls('heartbeatFromJobManager', 1);
      const report = heartbeat!.args[1] as AllocatedSlotReport;
      expect(report.allocatedSlotInfos).to.deep.equal([{ slotIndex: 0, allocationId: offer!.allocationId }]);
      await drain();
      const methods = (await te.control.recordedCalls()).map((call) => call.method);
      expect(methods).to.not.include('disconnectJobManager');
      expect(methods.filter((m) => m === 'heartbeatFromJobManager')).to.have.lengthOf(1);
    });

    it('disconnects the old TaskExecutor when the same ResourceID registers with a new session (testJobMasterDisconnectsOldTaskExecutorIfNewSessionIsSeen)', async () => {
      const oldTe = await startTaskExecutorOn(service.rpc, path);
      const newTe = await startTaskExecutorOn(service.rpc, path);
      const resourceId = ResourceID.of('te');
      expect((await h.register(oldTe.address, resourceId, 'old-session')).kind).to.equal('success');

      const response = await h.register(newTe.address, resourceId, 'new-session');

      expect(response).to.deep.equal({ kind: 'success', resourceId: h.resourceId });
      const [disconnect] = await oldTe.control.awaitCalls('disconnectJobManager', 1);
      expect(disconnect!.args[0]).to.equal(h.jobId);
      expect(errorOf(disconnect!, 1)).to.include({ name: 'JobMasterError', code: 'ERR_JOB_MASTER' });
      expect(errorOf(disconnect!, 1).message).to.match(/new session/);
      // The new registration is the one heartbeats go to.
      h.manual.triggerAll();
      await newTe.control.awaitCalls('heartbeatFromJobManager', 1);
      await drain();
      const oldMethods = (await oldTe.control.recordedCalls()).map((call) => call.method);
      expect(oldMethods).to.deep.equal(['disconnectJobManager']);
      expect((await newTe.control.recordedCalls()).map((call) => call.method)).to.not.include(
        'disconnectJobManager',
      );
    });

    it('deploys into the slots of a registered TaskExecutor and frees them when the job has finished', async () => {
      const te = await startTaskExecutorOn(service.rpc, path);
      const resourceId = ResourceID.of('te');
      await h.register(te.address, resourceId);
      const offers = slotOffers(2);
      expect(await h.offer(resourceId, offers)).to.deep.equal(offers);

      const submissions = await te.control.awaitCalls('submitTask', 2);

      const tdds = submissions.map((call) => call.args[0] as TaskDeploymentDescriptor);
      expect(tdds.map((tdd) => [tdd.taskIndex, tdd.allocationId])).to.deep.equal([
        [0, offers[0]!.allocationId],
        [1, offers[1]!.allocationId],
      ]);
      expect(submissions.map((call) => call.args[1])).to.deep.equal([h.jobMasterId, h.jobMasterId]);
      for (const tdd of tdds) await h.finish(tdd, `r${tdd.taskIndex}`);
      expect((await h.jobMaster.getJobResultFuture()).results).to.deep.equal(['r0', 'r1']);
      const freed = await te.control.awaitCalls('freeSlot', 2);
      expect(freed.map((call) => call.args[0])).to.have.members(offers.map((offer) => offer.allocationId));
      const [disconnect] = await te.control.awaitCalls('disconnectJobManager', 1);
      expect(disconnect!.args[0]).to.equal(h.jobId);
    });
  });
}
