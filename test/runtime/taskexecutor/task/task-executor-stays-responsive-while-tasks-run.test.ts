// User code runs on the slots' workers, so a task that holds a CPU does not
// hold the TaskExecutor: heartbeats are answered while it spins, and their
// payload lists the executions deployed here until they end (Flink's
// ExecutionDeploymentReport, which the JobMaster reconciles against its own view).

import { expect } from 'chai';

import type {
  AllocatedSlotReport,
  TaskExecutorToJobManagerHeartbeatPayload,
} from '../../../../src/runtime/types/heartbeat-payloads.js';
import type { ResourceID } from '../../../../src/runtime/types/ids.js';
import { kTestingJobMasterResourceId } from '../../../fixtures/testing-job-master.js';
import { eventually } from '../../../support/eventually.js';
import { useRpcService } from '../../../support/paths.js';
import {
  invokable,
  kBlockingModule,
  kValuesModule,
  SpinFlags,
  TestingTaskDeployment,
} from './testing-task-deployment.js';

describe('TaskExecutor: responsive while tasks run', () => {
  const service = useRpcService();
  let bed: TestingTaskDeployment;
  beforeEach(async () => {
    bed = await TestingTaskDeployment.start(service.rpc);
  });

  /** The report of a JobMaster that holds every slot of the deployment's job. */
  const slotReport = (): AllocatedSlotReport => ({
    jobId: bed.jobId,
    allocatedSlotInfos: bed.allocations.map((allocationId, slotIndex) => ({ slotIndex, allocationId })),
  });

  /** Asks for a heartbeat as the JobMaster and resolves with the payload of the TaskExecutor's answer. */
  async function heartbeat(): Promise<TaskExecutorToJobManagerHeartbeatPayload> {
    const before = bed.jm.callsOf('heartbeatFromTaskManager').length;
    await bed.h.gateway.heartbeatFromJobManager(kTestingJobMasterResourceId, slotReport());
    await eventually(
      () => bed.jm.callsOf('heartbeatFromTaskManager').length > before,
      'the heartbeat answer',
    );
    const [resourceId, payload] = bed.jm.callsOf('heartbeatFromTaskManager')[before]! as [
      ResourceID,
      TaskExecutorToJobManagerHeartbeatPayload,
    ];
    expect(resourceId).to.equal(bed.h.resourceId);
    return payload;
  }

  it('answers a JobMaster heartbeat while a CPU-bound task spins in its slot', async () => {
    const flags = new SpinFlags();
    const executionId = await bed.submit(invokable(kBlockingModule, 'spinUntilReleased', flags.buffer));
    await flags.untilStarted();

    const payload = await heartbeat();
    expect(payload.executionDeploymentReport).to.deep.equal([executionId]);
    // Still spinning: nothing has released it, so the answer came while it ran.
    expect(bed.statesOf(executionId).map((state) => state.state)).to.deep.equal(['RUNNING']);

    flags.release();
    const final = await bed.finalStateOf(executionId);
    expect(final.state).to.equal('FINISHED');
    expect(final.result).to.be.a('number');
  });

  it('answers a ResourceManager heartbeat while every slot holds a spinning task', async () => {
    const flags = [new SpinFlags(), new SpinFlags()];
    const executions = await Promise.all(
      flags.map((f, slot) => bed.submit(invokable(kBlockingModule, 'spinUntilReleased', f.buffer), slot)),
    );
    await Promise.all(flags.map((f) => f.untilStarted()));
    await Promise.all(executions.map((executionId) => bed.runningOf(executionId)));

    await bed.h.gateway.heartbeatFromResourceManager(bed.rm.resourceId);
    await eventually(() => bed.rm.callsOf('heartbeatFromTaskManager').length === 1, 'the heartbeat answer');
    for (const executionId of executions) expect(bed.statesOf(executionId)).to.have.lengthOf(1);
    for (const f of flags) f.release();
  });

  it('sends the states it holds before it answers a JobMaster heartbeat, so the report never overtakes them', async () => {
    const flags = new SpinFlags();
    const executionId = await bed.submit(invokable(kBlockingModule, 'spinUntilReleased', flags.buffer));
    await flags.untilStarted();
    // RUNNING waits for its report (manual time does not move); the heartbeat takes it along first.
    expect(bed.statesOf(executionId)).to.deep.equal([]);
    await heartbeat();
    const order = bed.jm.calls.map((call) => call.method);
    expect(order.indexOf('updateTaskExecutionState')).to.be.within(
      0,
      order.indexOf('heartbeatFromTaskManager'),
    );
    flags.release();
    await bed.finalStateOf(executionId);
  });

  it('lists an execution in the heartbeat until it has ended', async () => {
    const finished = await bed.submit(invokable(kValuesModule, 'add', 1, 2));
    await bed.finalStateOf(finished);
    const flags = new SpinFlags();
    const running = await bed.submit(invokable(kBlockingModule, 'spinUntilReleased', flags.buffer), 1);
    await flags.untilStarted();

    expect((await heartbeat()).executionDeploymentReport).to.deep.equal([running]);
    flags.release();
    await bed.finalStateOf(running);
    expect((await heartbeat()).executionDeploymentReport).to.deep.equal([]);
  });
});
