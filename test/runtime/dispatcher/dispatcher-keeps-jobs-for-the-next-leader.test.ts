// The Dispatcher's job persistence, after Flink's DispatcherTest and
// DispatcherResourceCleanupTest: a job is stored before it runs, a job that has
// a result is refused as a duplicate (testDuplicateJobSubmissionWithGloballyTerminatedJobId),
// a running one too (testDuplicateJobSubmissionWithRunningJobId), an ended job's
// result is written before its cleanup and marked clean after it, the jobs a new
// leader is handed run again, the results it is handed are answered without a
// run, a job that ended under an earlier leader is found by its stored result,
// and an unknown job is JobNotFound (testNonExistingJobRetrieval). The jobs here
// never get a slot (there is no ResourceManager), which is all these need.

import { expect } from 'chai';

import { JobListenerEndpoint } from '../../../src/cluster/client/job-listener-endpoint.js';
import { JobClient } from '../../../src/cluster/job-client.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { Dispatcher } from '../../../src/runtime/dispatcher/dispatcher.js';
import {
  DuplicateJobSubmissionError,
  JobNotFoundError,
} from '../../../src/runtime/dispatcher/dispatcher-errors.js';
import type {
  JobPersistence,
  RecoveredJobs,
  StoredJobResult,
} from '../../../src/runtime/dispatcher/job-persistence.js';
import { DispatcherGateway } from '../../../src/runtime/gateways/dispatcher-gateway.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { EmbeddedHaServices } from '../../../src/runtime/highavailability/embedded-ha-services.js';
import { createJobGraph } from '../../../src/runtime/jobmaster/job-graph.js';
import { DispatcherId, JobID } from '../../../src/runtime/types/ids.js';
import type { JobGraph } from '../../../src/runtime/types/job-graph.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';

const kTimeout = 10_000;
const kModule = new URL('../../fixtures/tasks/values.js', import.meta.url).href;

/** A JobPersistence that records every call, in order, and answers from maps the test fills. */
class RecordingPersistence implements JobPersistence {
  readonly recoversJobs = true;
  readonly calls: string[] = [];
  readonly results = new Map<string, StoredJobResult>();
  recovered: RecoveredJobs = { jobs: [], results: [] };

  async recover(): Promise<RecoveredJobs> {
    this.calls.push('recover');
    return this.recovered;
  }
  async findResult(jobId: JobID): Promise<StoredJobResult | null> {
    return this.results.get(jobId) ?? null;
  }
  async putJob(jobGraph: JobGraph): Promise<void> {
    this.calls.push(`put ${jobGraph.jobId}`);
  }
  async jobEnded(ended: StoredJobResult, cleanup: () => Promise<void>): Promise<void> {
    this.calls.push(`dirty ${ended.result.jobId} ${ended.result.status}`);
    this.results.set(ended.result.jobId, ended);
    await cleanup();
    this.calls.push(`clean ${ended.result.jobId}`);
  }
  async jobSuspended(jobId: JobID): Promise<void> {
    this.calls.push(`suspend ${jobId}`);
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
}

function jobGraph(name = 'job'): JobGraph {
  return createJobGraph({ name, tasks: [{ module: kModule, export: 'add', args: [1, 2] }] });
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('Dispatcher: jobs kept for the next leader', () => {
  const service = useRpcService();
  let persistence: RecordingPersistence;
  let cleanups: string[];
  let started: Dispatcher[];

  beforeEach(() => {
    persistence = new RecordingPersistence();
    cleanups = [];
    started = [];
  });

  afterEach(async () => {
    await Promise.all(started.map((dispatcher) => dispatcher.closeAsync()));
  });

  function startDispatcher(rpc: RpcService, recovered?: RecoveredJobs): DispatcherGateway {
    const haServices = new EmbeddedHaServices({ execute: (task) => queueMicrotask(task) });
    const dispatcher = new Dispatcher(
      rpc,
      DispatcherId.generate(),
      {
        haServices,
        heartbeatServices: new HeartbeatServices(),
        rpcTimeoutMs: kTimeout,
        retryingRegistrationConfiguration: {
          initialRegistrationTimeoutMs: 100,
          maxRegistrationTimeoutMs: 1000,
          errorDelayMs: 1000,
          refusedDelayMs: 1000,
        },
        jobPersistence: persistence,
        cleanupJob: async (jobId) => {
          cleanups.push(jobId);
        },
      },
      recovered,
    );
    dispatcher.start();
    started.push(dispatcher);
    return dispatcher.getSelfGateway(DispatcherGateway);
  }

  it('stores a job before it runs, and writes its result before its cleanup and marks it clean after', async () => {
    const gateway = startDispatcher(service.rpc);
    const job = jobGraph();
    await gateway.submitJob(job, null, kTimeout);
    expect(persistence.calls).to.deep.equal([`put ${job.jobId}`]);
    await gateway.cancelJob(job.jobId, kTimeout);
    await eventually(() => persistence.calls.includes(`clean ${job.jobId}`), 'the clean result');
    expect(persistence.calls).to.deep.equal([
      `put ${job.jobId}`,
      `dirty ${job.jobId} CANCELED`,
      `clean ${job.jobId}`,
    ]);
    expect(cleanups).to.deep.equal([job.jobId]);
  });

  it('refuses a job that runs already, and one that has a result, without storing either again', async () => {
    const gateway = startDispatcher(service.rpc);
    const running = jobGraph();
    await gateway.submitJob(running, null, kTimeout);
    const twice = await rejectionOf(gateway.submitJob(running, null, kTimeout));
    expect(twice).to.be.instanceOf(DuplicateJobSubmissionError);

    const ended = jobGraph();
    persistence.results.set(ended.jobId, {
      name: 'ended',
      result: { jobId: ended.jobId, status: 'FINISHED' },
    });
    const again = await rejectionOf(gateway.submitJob(ended, null, kTimeout));
    expect(again).to.be.instanceOf(DuplicateJobSubmissionError);
    expect(again.message).to.contain('has already been executed');
    expect(persistence.calls).to.deep.equal([`put ${running.jobId}`]);
  });

  it('runs the jobs it is handed again, and answers for the results it is handed after finishing their cleanup', async () => {
    const rerun = jobGraph('rerun');
    const ended = JobID.generate();
    const gateway = startDispatcher(service.rpc, {
      jobs: [rerun],
      results: [{ name: 'ended before', result: { jobId: ended, status: 'FINISHED', results: [42] } }],
    });
    expect(await gateway.requestJobResult(ended, kTimeout)).to.deep.equal({
      jobId: ended,
      status: 'FINISHED',
      results: [42],
    });
    await eventually(() => persistence.calls.includes(`clean ${ended}`), 'the cleanup of the ended job');
    expect(await gateway.requestJobStatus(rerun.jobId, kTimeout)).to.be.oneOf(['CREATED', 'RUNNING']);
    const listed = await gateway.listJobs(kTimeout);
    expect(listed.map((job) => [job.jobName, job.jobState])).to.deep.include.members([
      ['ended before', 'FINISHED'],
    ]);
    expect(listed.map((job) => job.jobName)).to.include('rerun');
  });

  it('finds a job that ended under an earlier leader by its stored result, and an unknown job is not found', async () => {
    const gateway = startDispatcher(service.rpc);
    const earlier = JobID.generate();
    persistence.results.set(earlier, { name: 'earlier', result: { jobId: earlier, status: 'FAILED' } });
    expect(await gateway.requestJobStatus(earlier, kTimeout)).to.equal('FAILED');
    const snapshot = await gateway.subscribeToJob(earlier, 'node://flink@nowhere/user/rpc/x', kTimeout);
    expect(snapshot).to.include({ name: 'earlier', status: 'FAILED' });
    const unknown = await rejectionOf(gateway.requestJobResult(JobID.generate(), kTimeout));
    expect(unknown).to.be.instanceOf(JobNotFoundError);
  });

  it('releases the stored jobs when it stops, and leaves them and their clients for the next leader', async () => {
    const gateway = startDispatcher(service.rpc);
    const job = jobGraph();
    const listener = new JobListenerEndpoint(service.rpc);
    listener.start();
    const client = new JobClient(job.jobId, job.name, job.tasks.length, async () => {});
    listener.follow(client);
    await gateway.submitJob(job, listener.getAddress(), kTimeout);
    await started.pop()!.closeAsync();
    expect(persistence.calls).to.include('stop');
    expect(persistence.calls.some((call) => call.startsWith('dirty'))).to.equal(false);
    // SUSPENDED is not the job's result: the client waits for the leader that runs it again.
    await drain();
    expect(client.isSettled).to.equal(false);
    client.abandon(new Error('the test is over'));
    await client.result.catch(() => {});
    await listener.closeAsync();
  });
});
