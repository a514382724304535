// A submitted task runs its module's export on its slot's worker, not on the
// TaskExecutor's thread, and the JobMaster hears RUNNING, then FINISHED with
// the return value, or FAILED with the error as the user code made it. Code that
// cannot be loaded or called fails the task with ERR_TASK_INVOKABLE, a value that
// cannot be sent back with ERR_TASK_RESULT. After Flink's TaskExecutorSubmissionTest
// (testTaskSubmission) and TaskTest (testRegularExecution, testExecutionFailsInInvoke,
// testLibraryCacheRegistrationFailed).

import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

import { expect } from 'chai';

import { FlinkError } from '../../../../src/runtime/flink-error.js';
import {
  TaskInvokableError,
  TaskResultError,
} from '../../../../src/runtime/taskexecutor/task/task-errors.js';
import { SerializedThrowable } from '../../../../src/runtime/types/serialized-throwable.js';
import { useRpcService } from '../../../support/paths.js';
import {
  invokable,
  kBlockingModule,
  kValuesModule,
  SpinFlags,
  TestingTaskDeployment,
} from './testing-task-deployment.js';

describe('Task: user code in the slot worker', () => {
  const service = useRpcService();
  let bed: TestingTaskDeployment;
  beforeEach(async () => {
    bed = await TestingTaskDeployment.start(service.rpc);
  });

  it('reports RUNNING, then FINISHED with the return value of a synchronous export (testTaskSubmission)', async () => {
    const flags = new SpinFlags();
    const executionId = await bed.submit(invokable(kBlockingModule, 'spinUntilReleased', flags.buffer));
    await flags.untilStarted();
    await bed.runningOf(executionId);
    flags.release();
    await bed.finalStateOf(executionId);
    const [running, finished] = bed.statesOf(executionId);
    expect(running).to.deep.equal({ jobId: bed.jobId, executionId, state: 'RUNNING' });
    expect(finished).to.include({ jobId: bed.jobId, executionId, state: 'FINISHED' });
    expect(finished!.result).to.be.a('number');
    expect(finished!.durationMs).to.be.a('number').and.at.least(0);
  });

  it('reports a task that finishes before its RUNNING report is due as FINISHED alone, with how long it ran', async () => {
    const executionId = await bed.submit(invokable(kValuesModule, 'add', 2, 3));
    await bed.finalStateOf(executionId);
    const states = bed.statesOf(executionId);
    expect(states).to.have.lengthOf(1);
    expect(states[0]).to.include({ jobId: bed.jobId, executionId, state: 'FINISHED', result: 5 });
    expect(states[0]!.durationMs).to.be.a('number').and.at.least(0);
  });

  it('awaits an export that returns a promise and reports what it resolves to', async () => {
    expect(await bed.resultOf(invokable(kValuesModule, 'addLater', 20, 22))).to.equal(42);
  });

  it('runs the task on a worker thread, not on the TaskExecutor’s', async () => {
    const taskThread = await bed.resultOf(invokable(kValuesModule, 'currentThreadId'));
    expect(taskThread).to.be.a('number').and.not.equal(threadId);
  });

  it('takes an absolute path as well as a URL for the module', async () => {
    expect(await bed.resultOf(invokable(fileURLToPath(kValuesModule), 'add', 1, 1))).to.equal(2);
  });

  it('takes a data: URL module', async () => {
    const module = 'data:text/javascript,export const twice = (x) => 2 * x;';
    expect(await bed.resultOf(invokable(module, 'twice', 21))).to.equal(42);
  });

  it('fails with the error the task threw, keeping its name, code, message, stack, fields and cause (testExecutionFailsInInvoke)', async () => {
    const state = await bed.run(invokable(kValuesModule, 'failOnRecord', 7));
    expect(state.state).to.equal('FAILED');
    expect(state).to.not.have.property('result');
    const error = state.error!;
    expect(error.name).to.equal('InvalidRecordError');
    expect(error.code).to.equal('ERR_INVALID_RECORD');
    expect(error.message).to.equal('Record 7 is invalid.');
    expect(error.stack).to.contain('failOnRecord').and.contain('values.js');
    expect(error.props).to.deep.equal({ record: 7 });
    expect(error.cause).to.include({ name: 'RangeError', message: 'the value is out of range' });
  });

  it('fails with the rejection of an asynchronous export', async () => {
    const state = await bed.run(invokable(kValuesModule, 'rejectLater', 'no input'));
    expect(state.state).to.equal('FAILED');
    const error = SerializedThrowable.deserialize(state.error!);
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.equal('no input');
  });

  it('fails with ERR_TASK_INVOKABLE when the module cannot be loaded (testLibraryCacheRegistrationFailed)', async () => {
    const missing = new URL('./no-such-module.js', kValuesModule).href;
    const state = await bed.run(invokable(missing, 'add', 1, 2));
    expect(state.state).to.equal('FAILED');
    const error = SerializedThrowable.deserialize(state.error!);
    expect(error).to.be.instanceOf(TaskInvokableError).and.instanceOf(FlinkError);
    expect(error).to.include({ code: 'ERR_TASK_INVOKABLE' });
    expect(error.message).to.contain('no-such-module.js');
    expect((error.cause as { code?: string }).code).to.equal('ERR_MODULE_NOT_FOUND');
  });

  it('fails with ERR_TASK_INVOKABLE when the export is missing', async () => {
    const state = await bed.run(invokable(kValuesModule, 'noSuchExport'));
    expect(state.error).to.include({ name: 'TaskInvokableError', code: 'ERR_TASK_INVOKABLE' });
    expect(state.error!.message).to.contain('"noSuchExport"').and.contain('found nothing');
  });

  it('fails with ERR_TASK_INVOKABLE when the export is not a function', async () => {
    const state = await bed.run(invokable(kValuesModule, 'notAFunction'));
    expect(state.error).to.include({ code: 'ERR_TASK_INVOKABLE' });
    expect(state.error!.message).to.contain('found number');
  });

  it('fails with ERR_TASK_RESULT when the return value cannot be cloned', async () => {
    const state = await bed.run(invokable(kValuesModule, 'returnsAFunction'));
    expect(state.state).to.equal('FAILED');
    const error = SerializedThrowable.deserialize(state.error!);
    expect(error).to.be.instanceOf(TaskResultError);
    expect(error.message).to.contain('could not be sent back');
  });

  it('keeps its worker usable after a failed task', async () => {
    await bed.run(invokable(kValuesModule, 'failOnRecord', 1));
    expect(await bed.resultOf(invokable(kValuesModule, 'add', 1, 2))).to.equal(3);
  });
});

describe('Task: a result over the frame limit', () => {
  const kMaxFrameBytes = 64 * 1024;
  const service = useRpcService({ maxFrameBytes: kMaxFrameBytes });

  it('fails with ERR_TASK_RESULT when the FINISHED report would not fit into a message to the JobMaster', async () => {
    const bed = await TestingTaskDeployment.start(service.rpc);
    const executionId = await bed.submit(invokable(kValuesModule, 'longString', 2 * kMaxFrameBytes));
    const final = await bed.finalStateOf(executionId);
    // The RUNNING report was not yet due when the task ended; FAILED stands for the attempt.
    expect(bed.statesOf(executionId).map((state) => state.state)).to.deep.equal(['FAILED']);
    const error = SerializedThrowable.deserialize(final.error!);
    expect(error).to.be.instanceOf(TaskResultError);
    expect(error.message).to.contain('could not be sent to the JobMaster');
    expect((error.cause as { code?: string }).code).to.equal('ERR_RPC_FRAME_SIZE');
  });
});
