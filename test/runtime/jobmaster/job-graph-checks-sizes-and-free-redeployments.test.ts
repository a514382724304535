// createJobGraph refuses, at submission, a task whose arguments cannot fit into
// one message of the sender's frame limit, naming the task and its size, and a
// job too large to submit in one message; it takes the job's own budget of free
// redeployments after a lost TaskExecutor. The JobMaster cuts its deployment
// batches to fit the frame limit.

import { expect } from 'chai';

import { createJobGraph, type JobSpec } from '../../../src/runtime/jobmaster/job-graph.js';
import { InvalidJobError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { JobID } from '../../../src/runtime/types/ids.js';
import { useRpcService } from '../../support/paths.js';
import { callsOf, TestingJobMasterBuilder } from './testing-job-master-builder.js';

const kFrame = 64 * 1024;

function refusal(spec: JobSpec, maxFrameBytes = kFrame): InvalidJobError {
  try {
    createJobGraph(spec, JobID.generate(), { maxFrameBytes });
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidJobError);
    expect((error as InvalidJobError).code).to.equal('ERR_INVALID_JOB');
    return error as InvalidJobError;
  }
  return expect.fail('expected an InvalidJobError');
}

describe('createJobGraph: sizes and free redeployments', () => {
  it('refuses a task whose arguments do not fit into one message, naming the task and its size', () => {
    const big = new Uint8Array(kFrame);

    const error = refusal({
      tasks: [
        { module: '/t.js', args: [1] },
        { module: '/t.js', args: [big] },
      ],
    });

    expect(error.message).to.match(
      /^Task 1 takes (\d+) bytes with its arguments, more than one message may carry \(maxFrameBytes: 65536 bytes, 4608 of them kept for the envelope\)\./,
    );
    const bytes = Number(/takes (\d+) bytes/.exec(error.message)![1]);
    expect(bytes)
      .to.be.greaterThan(kFrame)
      .and.lessThan(kFrame + 100);
  });

  it('refuses a job whose tasks fit one by one but not together into the message that submits it', () => {
    const tasks = Array.from({ length: 4 }, () => ({ module: '/t.js', args: [new Uint8Array(kFrame / 3)] }));

    expect(refusal({ tasks }).message).to.match(
      /^The job's 4 tasks take \d+ bytes together, more than the one message that submits them may carry \(maxFrameBytes: 65536 bytes\)\./,
    );
  });

  it('measures exactly before refusing: strings the estimate counts twice still fit', () => {
    // The sender's estimate counts 2 bytes per character; a one-byte string serializes to about half.
    const text = 'x'.repeat(kFrame / 2);

    const graph = createJobGraph({ tasks: [{ module: '/t.js', args: [text] }] }, undefined, {
      maxFrameBytes: kFrame,
    });

    expect(graph.tasks[0]!.args).to.deep.equal([text]);
  });

  it('checks no size without a frame limit', () => {
    const graph = createJobGraph({ tasks: [{ module: '/t.js', args: [new Uint8Array(2 * kFrame)] }] });

    expect(graph.tasks).to.have.lengthOf(1);
  });

  it("keeps the job's own budget of free redeployments, and refuses a bad one", () => {
    const graph = createJobGraph({
      tasks: [{ module: '/t.js' }],
      restart: { lostTaskExecutorRedeployments: 5 },
    });
    expect(graph.restartStrategy).to.deep.equal({
      attempts: 0,
      delayMs: 0,
      lostTaskExecutorRedeployments: 5,
    });

    expect(() =>
      createJobGraph({ tasks: [{ module: '/t.js' }], restart: { lostTaskExecutorRedeployments: -1 } }),
    ).to.throw(InvalidJobError, 'restart.lostTaskExecutorRedeployments must be a whole number ≥ 0, got -1.');
  });
});

describe('JobMaster: deployments that fit into a message', () => {
  const service = useRpcService({ maxFrameBytes: kFrame });

  it('cuts what one turn deploys to a TaskExecutor into submitTasks calls that each fit the frame limit', async () => {
    const arg = new Uint8Array(kFrame / 2);
    const h = new TestingJobMasterBuilder(service.rpc, {
      taskSpecs: [0, 1, 2].map(() => ({ module: '/t.js', args: [arg] })),
    });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(3);

    const tdds = await h.awaitSubmissions(taskExecutor, 3);

    expect(tdds.map((tdd) => tdd.taskIndex)).to.have.members([0, 1, 2]);
    expect(callsOf(taskExecutor, 'submitTasks').map(([batch]) => (batch as unknown[]).length)).to.deep.equal([
      1, 1, 1,
    ]);
    expect(h.taskChanges.filter((c) => c.state === 'FAILED')).to.deep.equal([]);
  });

  it('still sends small tasks together', async () => {
    const h = new TestingJobMasterBuilder(service.rpc, { tasks: 3 });
    await h.start();
    const { taskExecutor } = await h.registerTaskExecutor(3);

    await h.awaitSubmissions(taskExecutor, 3);

    expect(callsOf(taskExecutor, 'submitTasks')).to.have.lengthOf(1);
  });
});
