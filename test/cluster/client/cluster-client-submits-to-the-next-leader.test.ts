// A ClusterClient whose Dispatcher leader is gone while it submits: under HA
// (followLeaderChanges) it submits to the next leader that is named, without
// abandoning the job when the new leader does not know it yet; without HA it fails
// at once with the connection's coded error. Found by hand: with ZooKeeper HA, a
// `threadlink run` started just as the leading jobmanager was killed failed with
// ERR_RPC_CONNECTION, because ZooKeeper still named the dead leader.

import { expect } from 'chai';

import { ClusterClient } from '../../../src/cluster/client/cluster-client.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import { FencedRpcEndpoint } from '../../../src/rpc/rpc-endpoint.js';
import { Dispatcher } from '../../../src/runtime/dispatcher/dispatcher.js';
import { DuplicateJobSubmissionError } from '../../../src/runtime/dispatcher/dispatcher-errors.js';
import { DispatcherGateway } from '../../../src/runtime/gateways/dispatcher-gateway.js';
import { HeartbeatServices } from '../../../src/runtime/heartbeat/heartbeat-services.js';
import { EmbeddedHaServices } from '../../../src/runtime/highavailability/embedded-ha-services.js';
import { Acknowledge } from '../../../src/runtime/types/acknowledge.js';
import { DispatcherId, type JobID } from '../../../src/runtime/types/ids.js';
import type { JobSnapshot } from '../../../src/runtime/types/job-events.js';
import type { JobGraph } from '../../../src/runtime/types/job-graph.js';
import { JobStatus } from '../../../src/runtime/types/job-status.js';
import { drain, eventually } from '../../support/eventually.js';
import { useRpcService } from '../../support/paths.js';
import { SettableLeaderRetrievalService } from '../../support/settable-leader-retrieval.js';

const kTimeout = 5000;
const kModule = new URL('../../fixtures/tasks/values.js', import.meta.url).href;
const kJob = { name: 'moving', tasks: [{ module: kModule, export: 'add', args: [1, 2] }] };

/**
 * A Dispatcher that takes the first submission but never answers it (a leader too
 * busy to answer in time), answers the second as a duplicate, and reports the job
 * finished to a client that subscribes.
 */
class SlowDispatcher extends FencedRpcEndpoint<DispatcherId> {
  static override gateways = [DispatcherGateway];
  readonly submissions: JobID[] = [];

  submitJob(jobGraph: JobGraph): Promise<typeof Acknowledge> {
    this.submissions.push(jobGraph.jobId);
    if (this.submissions.length === 1) return new Promise(() => {});
    return Promise.reject(new DuplicateJobSubmissionError(`Job ${jobGraph.jobId} runs already.`));
  }

  async subscribeToJob(jobId: JobID): Promise<JobSnapshot> {
    return {
      jobId,
      name: 'slow',
      status: JobStatus.FINISHED,
      tasks: [undefined],
      failedAttempts: 0,
      result: { jobId, status: JobStatus.FINISHED, results: [3] },
      seq: 1,
    };
  }
}

describe('ClusterClient: a submission whose Dispatcher leader is gone', () => {
  const service = useRpcService();
  let dispatchers: Dispatcher[];
  let clients: ClusterClient[];

  beforeEach(() => {
    dispatchers = [];
    clients = [];
  });

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.closeAsync()));
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.closeAsync()));
  });

  function startDispatcher(rpc: RpcService): {
    address: string;
    sessionId: string;
    gateway: DispatcherGateway;
  } {
    const sessionId = DispatcherId.generate();
    const dispatcher = new Dispatcher(rpc, sessionId, {
      haServices: new EmbeddedHaServices({ execute: (task) => queueMicrotask(task) }),
      heartbeatServices: new HeartbeatServices(),
      rpcTimeoutMs: kTimeout,
      retryingRegistrationConfiguration: {
        initialRegistrationTimeoutMs: 100,
        maxRegistrationTimeoutMs: 1000,
        errorDelayMs: 1000,
        refusedDelayMs: 1000,
      },
    });
    dispatcher.start();
    dispatchers.push(dispatcher);
    return {
      address: dispatcher.getAddress(),
      sessionId,
      gateway: dispatcher.getSelfGateway(DispatcherGateway),
    };
  }

  /** A leader that is named but whose endpoint is gone, as a SIGKILLed jobmanager's entry in ZooKeeper. */
  async function deadLeader(): Promise<{ address: string; sessionId: string }> {
    const dead = startDispatcher(service.rpc);
    await dispatchers.pop()!.closeAsync();
    return dead;
  }

  async function jobRunsAt(gateway: DispatcherGateway, jobId: string): Promise<void> {
    let listed: string[] = [];
    await eventually(() => {
      void gateway.listJobs(kTimeout).then((jobs) => (listed = jobs.map((listedJob) => listedJob.jobId)));
      return listed.includes(jobId);
    }, 'the job at the next leader');
  }

  function client(retriever: SettableLeaderRetrievalService, followLeaderChanges: boolean): ClusterClient {
    const created = new ClusterClient({
      rpcService: service.rpc,
      dispatcherRetriever: retriever,
      followLeaderChanges,
      leaderTimeoutMs: kTimeout,
    });
    clients.push(created);
    return created;
  }

  it('submits to the next leader once it is named, and follows the job there', async () => {
    const dead = await deadLeader();
    const retriever = new SettableLeaderRetrievalService(dead.address, dead.sessionId);
    const job = client(retriever, true).submitJob(kJob);
    await drain(); // the submission to the dead leader fails; the client waits for the next one
    expect(job.isSettled).to.equal(false);

    const next = startDispatcher(service.rpc);
    retriever.notifyListener(next.address, next.sessionId);
    await jobRunsAt(next.gateway, job.jobId);

    await next.gateway.cancelJob(job.jobId, kTimeout);
    const error = await job.result.then(
      () => new Error('expected the cancelled job to reject'),
      (rejection: Error) => rejection,
    );
    expect(error.message, error.message).to.match(/cancel/i);
  });

  it('does not give up on the job when the next leader is named before the submission has failed', async () => {
    const dead = await deadLeader();
    const retriever = new SettableLeaderRetrievalService(dead.address, dead.sessionId);
    const job = client(retriever, true).submitJob(kJob);
    const next = startDispatcher(service.rpc);
    // The new leader does not know the job yet: following it there must not abandon it.
    retriever.notifyListener(next.address, next.sessionId);
    await jobRunsAt(next.gateway, job.jobId);
    await drain();
    expect(job.isSettled).to.equal(false);
    await next.gateway.cancelJob(job.jobId, kTimeout);
    await job.result.catch(() => {});
  });

  it('asks a live leader that timed out again, and follows the job it already took', async () => {
    const sessionId = DispatcherId.generate();
    const slow = new SlowDispatcher(service.rpc, sessionId);
    slow.start();
    const retriever = new SettableLeaderRetrievalService(slow.getAddress(), sessionId);
    const created = new ClusterClient({
      rpcService: service.rpc,
      dispatcherRetriever: retriever,
      followLeaderChanges: true,
      leaderTimeoutMs: kTimeout,
      timeoutMs: 100, // the first submission's ask times out after this
    });
    clients.push(created);
    const job = created.submitJob(kJob);
    expect(await job.result).to.deep.equal([3]);
    expect(slow.submissions).to.deep.equal([job.jobId, job.jobId]);
    await slow.closeAsync();
  });

  it('fails at once with the coded connection error when leaders do not change (standalone)', async () => {
    const dead = await deadLeader();
    const job = client(new SettableLeaderRetrievalService(dead.address, dead.sessionId), false).submitJob(
      kJob,
    );
    const error = (await job.result.then(
      () => new Error('expected a rejection'),
      (rejection: unknown) => rejection,
    )) as { code?: string };
    expect(error.code).to.be.oneOf(['ERR_RPC_CONNECTION', 'ERR_RECIPIENT_UNREACHABLE']);
  });
});
