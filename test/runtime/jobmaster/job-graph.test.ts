// createJobGraph: what a user's job turns into, and the precise InvalidJobError
// for each way a job can be malformed.

import { expect } from 'chai';

import { createJobGraph, type JobSpec } from '../../../src/runtime/jobmaster/job-graph.js';
import { InvalidJobError } from '../../../src/runtime/jobmaster/job-master-errors.js';
import { JobID } from '../../../src/runtime/types/ids.js';

function invalid(spec: unknown): InvalidJobError {
  try {
    createJobGraph(spec as JobSpec);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidJobError);
    expect((error as InvalidJobError).code).to.equal('ERR_INVALID_JOB');
    return error as InvalidJobError;
  }
  return expect.fail('expected an InvalidJobError');
}

describe('createJobGraph', () => {
  it('turns each task into an invokable, with the default export, no arguments and no restarts', () => {
    const jobId = JobID.generate();

    const graph = createJobGraph(
      {
        name: 'two tasks',
        tasks: [
          { module: new URL('file:///tasks/a.js') },
          { module: '/tasks/b.js', export: 'run', args: [1, 'x'] },
        ],
      },
      jobId,
    );

    expect(graph).to.deep.equal({
      jobId,
      name: 'two tasks',
      tasks: [
        { module: 'file:///tasks/a.js', exportName: 'default', args: [] },
        { module: '/tasks/b.js', exportName: 'run', args: [1, 'x'] },
      ],
      restartStrategy: { attempts: 0, delayMs: 0 },
    });
  });

  it('names an unnamed job after its id and keeps the restart settings', () => {
    const jobId = JobID.generate();

    const graph = createJobGraph(
      { tasks: [{ module: '/t.js' }], restart: { attempts: 3, delayMs: 250 } },
      jobId,
    );

    expect(graph.name).to.equal(`job ${jobId}`);
    expect(graph.restartStrategy).to.deep.equal({ attempts: 3, delayMs: 250 });
  });

  it('rejects a job without tasks', () => {
    expect(invalid({ tasks: [] }).message).to.equal('A job needs a non-empty array of tasks.');
    expect(invalid(null).message).to.equal('A job must be an object.');
  });

  it('rejects a task whose module is neither a URL nor an absolute path', () => {
    expect(invalid({ tasks: [{ module: 'relative/task.js' }] }).message).to.equal(
      "Task 0: module 'relative/task.js' is neither a URL nor an absolute path.",
    );
    expect(invalid({ tasks: [{ module: '/ok.js' }, { module: '' }] }).message).to.equal(
      'Task 1: module must be a URL or an absolute path.',
    );
  });

  it('rejects arguments that cannot be sent to a worker thread', () => {
    const error = invalid({ tasks: [{ module: '/t.js', args: [() => 1] }] });

    expect(error.message).to.equal('Task 0: args cannot be sent to a worker thread.');
    expect(error.cause).to.be.instanceOf(Error);
  });

  it('rejects restart settings that are not whole, non-negative numbers', () => {
    expect(invalid({ tasks: [{ module: '/t.js' }], restart: { attempts: 1.5 } }).message).to.equal(
      'restart.attempts must be a whole number ≥ 0, got 1.5.',
    );
    expect(invalid({ tasks: [{ module: '/t.js' }], restart: { delayMs: -1 } }).message).to.equal(
      'restart.delayMs must be a number ≥ 0, got -1.',
    );
  });
});
